// The exact commands the "Connect nodes" dialog offers, per environment. Pure: tested without a browser.

export const ENVIRONMENTS = [
  { id: 'linux', label: 'Linux' },
  { id: 'docker', label: 'Docker' },
  { id: 'compose', label: 'Docker Compose' },
  { id: 'kubernetes', label: 'Kubernetes' },
  { id: 'macos', label: 'macOS' },
  { id: 'windows', label: 'Windows' },
  { id: 'netdata', label: 'Netdata agent' },
] as const;
export type Environment = (typeof ENVIRONMENTS)[number]['id'];

export interface ConnectInput {
  url: string;
  /** `sha256:<hex>` of the server CA key, or null when the server has a publicly trusted certificate. */
  caPin: string | null;
  token: string;
  /** Room slugs; empty means the space's default room. */
  rooms: string[];
  /** SHA-256 (hex) of install.ps1 as this server serves it; the Windows command runs nothing else. */
  installPs1Sha256?: string | null;
  /** Paths the agent's systemd unit must let it write (a local backup repository), for the Linux installer. */
  writablePaths?: string[];
}

/** Quote for a POSIX shell when needed. */
const sh = (v: string) => (/^[A-Za-z0-9_./:=@,+-]+$/.test(v) ? v : `'${v.replace(/'/g, `'\\''`)}'`);
const IMAGE = 'muster-agent:latest';
/** Where the macOS command puts the agent: its executable, state, launchd job and log. */
export const MACOS_BIN = '/usr/local/bin/muster-agent';
export const MACOS_STATE = '/usr/local/var/muster-agent';
export const MACOS_LABEL = 'io.muster.agent';
export const MACOS_PLIST = `/Library/LaunchDaemons/${MACOS_LABEL}.plist`;
const MACOS_LOG = '/usr/local/var/log/muster-agent.log';

function claimEnv(i: ConnectInput): [string, string][] {
  return [
    ['MUSTER_CLAIM_URL', i.url],
    ['MUSTER_CLAIM_TOKEN', i.token],
    ...(i.rooms.length ? ([['MUSTER_CLAIM_ROOMS', i.rooms.join(',')]] as [string, string][]) : []),
    ...(i.caPin ? ([['MUSTER_CLAIM_CA_PIN', i.caPin]] as [string, string][]) : []),
  ];
}

/** `export NAME='value' ...`: a shell builtin, so the token never shows in any process's arguments. */
function exportLine(vars: [string, string][]): string {
  return `export ${vars.map(([k, v]) => `${k}=${sh(v)}`).join(' ')}`;
}

/**
 * Fetch the CA without trusting it and check its key against the pin (the first request is the only unchecked one,
 * and nothing it returns is used unless the pin matches); `sum` is the SHA-256 tool of the platform.
 */
function pinCheck(url: string, caPin: string, caFile: string, sum: string): string[] {
  const hex = caPin.replace(/^sha256:/, '');
  return [
    `curl -fsSk ${sh(`${url}/ca.pem`)} -o ${caFile}`,
    `[ "$(openssl x509 -in ${caFile} -pubkey -noout | openssl pkey -pubin -outform der | ${sum} | cut -d' ' -f1)" = ${hex} ]`,
  ];
}

/**
 * A stock Netdata agent claims itself from claim.conf (or NETDATA_CLAIM_* in its container) and then opens its own
 * link (docs/netdata.md). With Muster's own CA it needs that CA twice: cloud.d/trusted.pem for the claim, and the
 * system store (or SSL_CERT_FILE) for the link.
 */
function netdataCommands(i: ConnectInput): string {
  const claimConf = [
    '[global]',
    `  url = ${i.url}`,
    `  token = ${i.token}`,
    ...(i.rooms.length ? [`  rooms = ${i.rooms.join(',')}`] : []),
  ];
  const host = [
    i.caPin
      ? "# Netdata on the host: check Muster's CA against the pin, trust it for the claim and the link, claim, restart."
      : '# Netdata on the host: claim, restart.',
    [
      ...(i.caPin
        ? [
            ...pinCheck(i.url, i.caPin, 'muster-ca.pem', 'sha256sum'),
            'sudo install -D -m 0644 muster-ca.pem /var/lib/netdata/cloud.d/trusted.pem',
            'sudo install -D -m 0644 muster-ca.pem /usr/local/share/ca-certificates/muster-ca.crt',
            'sudo update-ca-certificates',
          ]
        : []),
      `printf '%s\\n' ${claimConf.map(sh).join(' ')} | sudo tee /etc/netdata/claim.conf >/dev/null`,
      'sudo systemctl restart netdata',
    ].join(' && \\\n  '),
  ];
  const vars: [string, string][] = [
    ['NETDATA_CLAIM_URL', i.url],
    ['NETDATA_CLAIM_TOKEN', i.token],
    ...(i.rooms.length ? ([['NETDATA_CLAIM_ROOMS', i.rooms.join(',')]] as [string, string][]) : []),
  ];
  const docker = [
    `# Or Netdata in Docker (add the flags you run Netdata with)${i.caPin ? ', with muster-ca.pem checked as above; SSL_CERT_FILE makes its link trust it' : ''}:`,
    [
      `${exportLine(vars)} &&`,
      'docker run -d --name netdata --restart unless-stopped --hostname "$(hostname)"',
      '-v netdataconfig:/etc/netdata -v netdatalib:/var/lib/netdata',
      ...(i.caPin
        ? [
            '-v "$PWD/muster-ca.pem:/var/lib/netdata/cloud.d/trusted.pem:ro"',
            '-v "$PWD/muster-ca.pem:/etc/netdata/muster-ca.pem:ro" -e SSL_CERT_FILE=/etc/netdata/muster-ca.pem',
          ]
        : []),
      ...vars.map(([k]) => `-e ${k}`),
      'netdata/netdata',
    ].join(' \\\n  '),
  ];
  return [...host, '', ...docker].join('\n');
}

export function connectCommand(env: Environment, i: ConnectInput): string {
  const rooms = i.rooms.join(',');
  const tokenVars: [string, string][] = [
    ['MUSTER_CLAIM_TOKEN', i.token],
    ...(rooms ? ([['MUSTER_CLAIM_ROOMS', rooms]] as [string, string][]) : []),
  ];
  switch (env) {
    case 'linux': {
      if (i.writablePaths?.length) tokenVars.push(['MUSTER_WRITABLE_PATHS', i.writablePaths.join(' ')]);
      // As root: bash itself (minimal images and containers have no sudo); otherwise sudo, which passes only the
      // named variables on. The token is in no command line either way.
      const sudo = `{ if [ "$(id -u)" = 0 ]; then bash; else sudo --preserve-env=${tokenVars.map(([k]) => k).join(',')} bash; fi; }`;
      if (!i.caPin)
        return [exportLine(tokenVars), `curl -fsSL ${sh(`${i.url}/install/install.sh`)} | ${sudo}`].join(
          ' && \\\n  ',
        );
      return [
        exportLine(tokenVars),
        ...pinCheck(i.url, i.caPin, 'muster-ca.pem', 'sha256sum'),
        `curl -fsSL --cacert muster-ca.pem ${sh(`${i.url}/install/install.sh`)} | ${sudo}`,
      ].join(' && \\\n  ');
    }
    case 'macos': {
      // Same checks as install.sh: the CA against the pin, then only that CA, then the executable for this Mac's CPU
      // against its checksum; then it is claimed as root and kept running by launchd (a LaunchDaemon, at boot).
      const curl = i.caPin ? 'curl -fsSL --cacert ca.pem' : 'curl -fsSL';
      const flags = [`--url ${sh(i.url)}`, ...(i.caPin ? [`--ca-pin ${i.caPin}`] : [])].join(' ');
      const platform = '"?os=darwin&arch=$arch"';
      const plist = [
        '<?xml version="1.0" encoding="UTF-8"?>',
        '<!DOCTYPE plist PUBLIC "-//Apple//DTD PLIST 1.0//EN" "http://www.apple.com/DTDs/PropertyList-1.0.dtd">',
        '<plist version="1.0"><dict>',
        `<key>Label</key><string>${MACOS_LABEL}</string>`,
        '<key>ProgramArguments</key><array>',
        ...[MACOS_BIN, 'run', '--state-dir', MACOS_STATE].map((a) => `<string>${a}</string>`),
        '</array>',
        '<key>RunAtLoad</key><true/><key>KeepAlive</key><true/>',
        `<key>StandardErrorPath</key><string>${MACOS_LOG}</string>`,
        '</dict></plist>',
      ];
      return [
        exportLine(tokenVars),
        'mkdir -p ~/muster-agent',
        'cd ~/muster-agent',
        ...(i.caPin ? pinCheck(i.url, i.caPin, 'ca.pem', 'shasum -a 256') : []),
        `arch="$(uname -m | sed s/x86_64/amd64/)"`,
        `${curl} --compressed ${sh(`${i.url}/agent/binary`)}${platform} -o muster-agent`,
        `[ "$(shasum -a 256 muster-agent | cut -d' ' -f1)" = "$(${curl} ${sh(`${i.url}/agent/binary.sha256`)}${platform} | cut -d' ' -f1)" ]`,
        `sudo install -d -m 0755 /usr/local/bin && sudo install -d -m 0700 ${MACOS_STATE}`,
        `sudo install -m 0755 muster-agent ${MACOS_BIN}`,
        `sudo --preserve-env=${tokenVars.map(([k]) => k).join(',')} ${MACOS_BIN} claim --state-dir ${MACOS_STATE} ${flags}`,
        `printf '%s\\n' ${plist.map(sh).join(' ')} | sudo tee ${MACOS_PLIST} >/dev/null`,
        `sudo launchctl bootstrap system ${MACOS_PLIST}`,
      ].join(' && \\\n  ');
    }
    case 'docker':
      // `-e NAME` without a value takes it from the environment: the token stays off docker's command line.
      return [
        `${exportLine(claimEnv(i))} &&`,
        'docker run -d --name muster-agent --restart unless-stopped --hostname "$(hostname)"',
        '-v muster-agent:/var/lib/muster-agent',
        ...claimEnv(i).map(([k]) => `-e ${k}`),
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
    case 'netdata':
      return netdataCommands(i);
    case 'windows': {
      // The script is fetched like ca.pem on Linux (before any trust exists) and run only if its SHA-256 is the one
      // this server published; it then checks the CA against the pin and trusts nothing else (see install.ps1).
      const vars = tokenVars.map(([k, v]) => `$env:${k} = '${v.replace(/'/g, "''")}'`);
      return [
        ...vars,
        `curl.exe -fsS${i.caPin ? 'k' : ''} '${i.url}/install/install.ps1' -o muster-install.ps1`,
        `if ((Get-FileHash -Algorithm SHA256 muster-install.ps1).Hash -ne '${i.installPs1Sha256 ?? ''}') { throw 'muster-install.ps1 is not the script this server published; not running it' }`,
        'iex (Get-Content -Raw muster-install.ps1)',
      ].join('; ');
    }
  }
}

/**
 * One-line hint under the command. Without a pin (a proxy with a publicly trusted certificate, or plain HTTP) it
 * says what the command does check instead of claiming a pin check it does not make.
 */
export function connectHint(env: Environment, caPin: string | null = null): string {
  const trust = caPin ? 'checks the CA pin' : "trusts the system's CAs (the server has no pin)";
  switch (env) {
    case 'linux':
      return `Run as a user who may sudo; the host needs no Node.js. The installer ${trust}, downloads the agent executable for this machine (amd64 or arm64) and checks its SHA-256, claims and starts it under systemd.`;
    case 'macos':
      return `Run as a user who may sudo; the Mac needs no Node.js (the agent executable for Apple silicon or Intel). ${caPin ? 'Checks the CA pin and the executable checksum first' : "Trusts the system's CAs (the server has no pin) and checks the executable checksum first"}, claims, and runs the agent as a launchd daemon (${MACOS_LABEL}) that starts at boot.`;
    case 'docker':
      return 'Build the image once from the repository: npm run build && docker build -f deploy/docker/Dockerfile -t muster-agent . (the agent executable on Debian slim, no Node.js; update by pulling a newer image).';
    case 'compose':
      return 'Add to your compose file; the image comes from deploy/docker/Dockerfile.';
    case 'kubernetes':
      return 'kubectl apply -f the manifest: one agent per node, the token in a Secret, state kept on the host.';
    case 'netdata':
      return 'For a stock Netdata agent (v2 or later, with its cloud link enabled): it claims into Muster instead of Netdata Cloud and shows up online here. Charts, alerts and jobs stay on the Netdata agent (docs/netdata.md).';
    case 'windows':
      return `In an elevated PowerShell (Windows 10 1803 or later, for curl.exe); the host needs no Node.js on x64 (the agent executable). The command runs the installer only if it is the one this server published; the installer ${trust}, then the executable's checksum, and runs the agent as a SYSTEM task.`;
  }
}
