// A child process of request-roundtrip.ts: holds many simulated agent links (bearer-authenticated websockets)
// that say hello, send heartbeats and answer every request at once. Talks to its parent over IPC.
import WebSocket from 'ws';

interface Start {
  url: string;
  ca: string;
  agents: { id: string; token: string }[];
}

const facts = {
  hostname: 'sim',
  os: 'linux',
  kernel: '6.1.0',
  arch: 'x64',
  cpus: 2,
  memory_bytes: 4e9,
  virtualization: 'none',
  container: 'none',
  labels: {},
  capabilities: [],
};
const CONNECTING_AT_ONCE = 100;

function connect(start: Start, agent: { id: string; token: string }): Promise<void> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(`${start.url.replace(/^http/, 'ws')}/api/v1/link`, {
      ca: start.ca,
      headers: { authorization: `Bearer ${agent.token}` },
      perMessageDeflate: false,
    });
    let heartbeat: NodeJS.Timeout | undefined;
    ws.once('open', () =>
      ws.send(
        JSON.stringify({
          t: 'hello',
          protocol: 1,
          agent_version: 'sim',
          facts: { ...facts, hostname: agent.id },
        }),
      ),
    );
    ws.on('message', (data) => {
      const f = JSON.parse((data as Buffer).toString()) as {
        t: string;
        id?: string;
        params?: unknown;
        heartbeat_interval_ms?: number;
      };
      if (f.t === 'request')
        ws.send(JSON.stringify({ t: 'reply', id: f.id, ok: true, result: { echo: f.params } }));
      else if (f.t === 'welcome') {
        heartbeat = setInterval(() => ws.send('{"t":"heartbeat"}'), f.heartbeat_interval_ms);
        resolve();
      }
    });
    ws.once('error', reject);
    ws.once('close', () => clearInterval(heartbeat));
  });
}

process.once('message', (msg: Start) => {
  void (async () => {
    const queue = [...msg.agents];
    let failed = 0;
    await Promise.all(
      Array.from({ length: CONNECTING_AT_ONCE }, async () => {
        for (let a = queue.shift(); a; a = queue.shift()) await connect(msg, a).catch(() => void failed++);
      }),
    );
    process.send!({ ready: msg.agents.length - failed, failed });
  })();
});
process.on('disconnect', () => process.exit(0));
