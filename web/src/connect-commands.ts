// The exact commands the "Connect nodes" dialog offers, per environment. Pure: tested without a browser.

export const ENVIRONMENTS = [
  { id: 'linux', label: 'Linux' },
  { id: 'docker', label: 'Docker' },
  { id: 'compose', label: 'Docker Compose' },
  { id: 'kubernetes', label: 'Kubernetes' },
  { id: 'macos', label: 'macOS' },
  { id: 'windows', label: 'Windows' },
] as const;
export type Environment = (typeof ENVIRONMENTS)[number]['id'];

export interface ConnectInput {
  url: string;
  /** `sha256:<hex>` of the server CA key, or null when the server has a publicly trusted certificate. */
  caPin: string | null;
  token: string;
  /** Room slugs; empty means the space's default room. */
  rooms: string[];
}

/** Quote for a POSIX shell when needed. */
const sh = (v: string) => (/^[A-Za-z0-9_./:=@,+-]+$/.test(v) ? v : `'${v.replace(/'/g, `'\\''`)}'`);
const IMAGE = 'muster-agent:latest';

function claimEnv(i: ConnectInput): [string, string][] {
  return [
    ['MUSTER_CLAIM_URL', i.url],
    ['MUSTER_CLAIM_TOKEN', i.token],
    ...(i.rooms.length ? ([['MUSTER_CLAIM_ROOMS', i.rooms.join(',')]] as [string, string][]) : []),
    ...(i.caPin ? ([['MUSTER_CLAIM_CA_PIN', i.caPin]] as [string, string][]) : []),
  ];
}

export function connectCommand(env: Environment, i: ConnectInput): string {
  const rooms = i.rooms.join(',');
  switch (env) {
    case 'linux': {
      const vars = [
        `MUSTER_CLAIM_TOKEN=${sh(i.token)}`,
        ...(rooms ? [`MUSTER_CLAIM_ROOMS=${sh(rooms)}`] : []),
      ].join(' ');
      if (!i.caPin) return `curl -fsSL ${sh(`${i.url}/install/install.sh`)} | sudo ${vars} bash`;
      // Fetch the CA without trusting it, check its key against the pin, then trust only it.
      const hex = i.caPin.replace(/^sha256:/, '');
      return [
        `curl -fsSk ${sh(`${i.url}/ca.pem`)} -o muster-ca.pem`,
        `[ "$(openssl x509 -in muster-ca.pem -pubkey -noout | openssl pkey -pubin -outform der | sha256sum | cut -d' ' -f1)" = ${hex} ]`,
        `curl -fsSL --cacert muster-ca.pem ${sh(`${i.url}/install/install.sh`)} | sudo ${vars} bash`,
      ].join(' && \\\n  ');
    }
    case 'macos': {
      const flags = [
        `--url ${sh(i.url)}`,
        `--token ${sh(i.token)}`,
        ...(rooms ? [`--rooms ${sh(rooms)}`] : []),
        ...(i.caPin ? [`--ca-pin ${i.caPin}`] : []),
      ].join(' ');
      return [
        'mkdir -p ~/muster-agent',
        `curl -fsSLk ${sh(`${i.url}/agent/muster-agent.mjs`)} -o ~/muster-agent/muster-agent.mjs`,
        `node ~/muster-agent/muster-agent.mjs run --state-dir ~/muster-agent/state ${flags}`,
      ].join(' && \\\n  ');
    }
    case 'docker':
      return [
        'docker run -d --name muster-agent --restart unless-stopped --hostname "$(hostname)"',
        '-v muster-agent:/var/lib/muster-agent',
        ...claimEnv(i).map(([k, v]) => `-e ${k}=${sh(v)}`),
        IMAGE,
      ].join(' \\\n  ');
    case 'compose':
      return [
        'services:',
        '  muster-agent:',
        `    image: ${IMAGE}`,
        '    restart: unless-stopped',
        '    hostname: ${HOSTNAME}',
        '    environment:',
        ...claimEnv(i).map(([k, v]) => `      ${k}: ${JSON.stringify(v)}`),
        '    volumes:',
        '      - muster-agent:/var/lib/muster-agent',
        'volumes:',
        '  muster-agent: {}',
      ].join('\n');
    case 'kubernetes': {
      const env = claimEnv(i).filter(([k]) => k !== 'MUSTER_CLAIM_TOKEN');
      return [
        'apiVersion: v1',
        'kind: Secret',
        'metadata:',
        '  name: muster-claim',
        '  namespace: kube-system',
        'type: Opaque',
        'stringData:',
        `  token: ${JSON.stringify(i.token)}`,
        '---',
        'apiVersion: apps/v1',
        'kind: DaemonSet',
        'metadata:',
        '  name: muster-agent',
        '  namespace: kube-system',
        'spec:',
        '  selector:',
        '    matchLabels: { app: muster-agent }',
        '  template:',
        '    metadata:',
        '      labels: { app: muster-agent }',
        '    spec:',
        '      hostNetwork: true',
        '      hostPID: true',
        '      containers:',
        '        - name: muster-agent',
        `          image: ${IMAGE}`,
        '          env:',
        '            - name: MUSTER_CLAIM_TOKEN',
        '              valueFrom: { secretKeyRef: { name: muster-claim, key: token } }',
        ...env.flatMap(([k, v]) => [`            - name: ${k}`, `              value: ${JSON.stringify(v)}`]),
        '          volumeMounts:',
        '            - { name: state, mountPath: /var/lib/muster-agent }',
        '      volumes:',
        '        - name: state',
        '          hostPath: { path: /var/lib/muster-agent, type: DirectoryOrCreate }',
      ].join('\n');
    }
    case 'windows': {
      const vars = [
        `$env:MUSTER_CLAIM_TOKEN = '${i.token}'`,
        ...(rooms ? [`$env:MUSTER_CLAIM_ROOMS = '${rooms}'`] : []),
      ];
      return `${vars.join('; ')}; iex (irm '${i.url}/install/install.ps1')`;
    }
  }
}

/** One-line hint under the command. */
export function connectHint(env: Environment): string {
  switch (env) {
    case 'linux':
      return 'Run as a user who may sudo. The installer checks the CA pin, downloads and checks the agent, claims and starts it under systemd.';
    case 'macos':
      return 'Needs Node.js 20 or later. Keeps running in the terminal; wrap it in a launchd job to start at boot.';
    case 'docker':
      return 'Build the image once from the repository: npm run build && docker build -f deploy/docker/Dockerfile -t muster-agent .';
    case 'compose':
      return 'Add to your compose file; the image comes from deploy/docker/Dockerfile.';
    case 'kubernetes':
      return 'kubectl apply -f the manifest: one agent per node, the token in a Secret, state kept on the host.';
    case 'windows':
      return 'In an elevated PowerShell on a machine that trusts the server certificate (import ca.pem into the machine Root store first). The installer checks the CA pin and runs the agent as a SYSTEM task.';
  }
}
