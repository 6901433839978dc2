import { EventsTimeline } from './events.tsx';
import { MaintenanceCard } from './node-maintenance.tsx';
import { useEffect, useState } from 'preact/hooks';
import { formatBytes } from '../../../src/protocol/units.ts';
import { answer, client, follow, ok, roleAtLeast, type Job, type Me, type Node } from '../api.ts';
import {
  agentLabel,
  ago,
  asText,
  Card,
  ConfirmButton,
  ErrorText,
  navigate,
  osLabel,
  StatusBadge,
  useTick,
  when,
} from '../components.tsx';
import { JobLog } from '../job-log.tsx';
import { RepositoryCard } from './node-backups.tsx';
import { SnapshotsCard } from './node-snapshots.tsx';
import { NodeCharts } from './node-charts.tsx';
import { FunctionsCard, NodeAlertsCard } from './node-data-cards.tsx';
import { JobsCard } from './node-jobs.tsx';
import { BackupPlanCard } from './node-plan.tsx';
import { useSpaceRooms } from '../live-nodes.ts';

export function NodePage({ id, me }: { id: string; me: Me }) {
  useTick();
  const [node, setNode] = useState<Node | null>(null);
  const [facts, setFacts] = useState<Record<string, unknown> | null>(null);
  const { rooms } = useSpaceRooms();
  const [error, setError] = useState<unknown>(null);
  const [watch, setWatch] = useState<Job | null>(null);
  const load = () =>
    answer(client.GET('/api/nodes/{id}', { params: { path: { id } } })).then(setNode, setError);
  useEffect(() => {
    void load();
    return follow(
      '/api/events',
      {
        'node.presence': (d) => {
          const e = d;
          if (e.node_id === id)
            setNode((n) => (n ? { ...n, status: e.status, since: e.since, reason: e.reason } : n));
        },
        'node.duplicate': (d) => {
          if (d.node_id === id) void load();
        },
        'node.repo': (d) => {
          if (d.node_id === id) void load();
        },
        'node.facts': (d) => {
          if (d.node_id === id) void load();
        },
      },
      { nodes: [id], opened: () => void load() },
    );
  }, [id]);
  const online = node?.status === 'online';
  useEffect(() => {
    if (online)
      answer(client.GET('/api/nodes/{id}/facts', { params: { path: { id } } })).then(
        setFacts,
        () => undefined,
      );
  }, [id, online]);

  if (!node) return error ? <ErrorText error={error} /> : <p class="loading">Loading…</p>;
  const admin = roleAtLeast(me.role, 'admin');
  const stored: [string, unknown][] = [
    ['OS', osLabel(node)],
    ['Kernel', node.kernel],
    ['Architecture', node.arch],
    ['CPUs', node.cpus],
    ['Memory', node.memory_bytes ? formatBytes(node.memory_bytes) : null],
    ['Virtualization', node.virtualization],
    ['Container', node.container],
  ];
  // Muster's own facts about the node stay beside the agent's, stored or live.
  const own: [string, unknown][] = [
    ['Agent', agentLabel(node)],
    ['Tags', node.tags.join(', ')],
    ...Object.entries(node.labels).map(([k, v]) => [`label ${k}`, v] as [string, unknown]),
    ['Node id', node.id],
    ['Joined', when(node.created_at)],
  ];
  // Sizes read as sizes: live facts named *_bytes are raw byte counts.
  const live = facts
    ? Object.entries(facts)
        .filter(([, v]) => typeof v !== 'object')
        .map(([k, v]): [string, unknown] => [
          k,
          /_bytes$/.test(k) && typeof v === 'number' ? formatBytes(v) : v,
        ])
    : [];
  return (
    <>
      <div class="page-head">
        <h1 class="hostname">{node.hostname}</h1>
        <StatusBadge node={node} />
        <span class="reason">
          {node.reason} · since {ago(node.since)}
        </span>
        {node.update_available && roleAtLeast(me.role, 'operator') && (
          <ConfirmButton
            label="Update agent"
            question={`Update the agent on ${node.hostname}? It downloads this server's agent, checks it, tries its link, then replaces itself and restarts; if the new one does not come online, the current one stays. Follow it under Jobs.`}
            onConfirm={async () => {
              await ok(client.POST('/api/hosts/{id}/agent-update', { params: { path: { id } }, body: {} }));
              await load();
            }}
          />
        )}
        {admin && (
          <ConfirmButton
            label="Remove node"
            danger
            question={`Remove ${node.hostname}? Its key is deleted and its agent is disconnected for good; it must be claimed again to come back.`}
            onConfirm={async () => {
              await ok(client.DELETE('/api/nodes/{id}', { params: { path: { id } } }));
              navigate('/nodes');
            }}
          />
        )}
      </div>
      <div class="grid">
        <Card title="Facts">
          <dl class="facts">
            {[...(live.length ? live : stored), ...own].map(([k, v]) => (
              <>
                <dt>{k}</dt>
                <dd>{asText(v)}</dd>
              </>
            ))}
          </dl>
          <p class="hint">{live.length ? 'Fresh from the agent.' : 'As last reported.'}</p>
        </Card>
        <Card title="Rooms">
          <ul class="chips">
            {node.rooms.map((r) => (
              <li key={r.id}>
                {r.name}
                {admin && (
                  <button
                    type="button"
                    class="plain"
                    aria-label={`Remove from ${r.name}`}
                    onClick={() =>
                      ok(
                        client.DELETE('/api/rooms/{id}/nodes/{nodeId}', {
                          params: { path: { id: r.id, nodeId: id } },
                        }),
                      ).then(load, setError)
                    }
                  >
                    ✕
                  </button>
                )}
              </li>
            ))}
          </ul>
          {admin && (
            <label>
              Add to room
              <select
                value=""
                onChange={(e) => {
                  const room = e.currentTarget.value;
                  if (room)
                    ok(
                      client.PUT('/api/rooms/{id}/nodes/{nodeId}', {
                        params: { path: { id: room, nodeId: id } },
                      }),
                    ).then(load, setError);
                }}
              >
                <option value="">Choose…</option>
                {rooms
                  .filter((r) => !node.rooms.some((x) => x.id === r.id))
                  .map((r) => (
                    <option key={r.id} value={r.id}>
                      {r.name}
                    </option>
                  ))}
              </select>
            </label>
          )}
          <ErrorText error={error} />
        </Card>
      </div>
      <Card title="Charts">
        <NodeCharts id={id} online={online} />
      </Card>
      <NodeAlertsCard id={id} online={online} />
      {roleAtLeast(me.role, 'operator') && <FunctionsCard id={id} online={online} />}
      <JobsCard node={node} me={me} />
      {node.agent_kind !== 'netdata' && (
        <>
          <RepositoryCard node={node} me={me} onJob={setWatch} />
          {watch && (
            <Card title="Job output">
              <JobLog job={watch} onClose={() => setWatch(null)} />
            </Card>
          )}
          <BackupPlanCard node={node} me={me} />
          <SnapshotsCard node={node} me={me} onJob={setWatch} />
        </>
      )}
      <MaintenanceCard nodeId={id} me={me} />
      <EventsTimeline nodeId={id} title="Events" />
    </>
  );
}
