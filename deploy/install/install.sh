#!/usr/bin/env bash
# Muster agent installer for Linux (amd64, arm64). The server serves this file at /install/install.sh with its own
# URL and CA pin filled in. Usage:
#   curl -fsSL "$SERVER/install/install.sh" | sudo MUSTER_SERVER="$SERVER" MUSTER_TOKEN="$TOKEN" bash
# Settings (RM_* names are accepted as aliases):
#   MUSTER_SERVER / RM_SERVER                   server URL
#   MUSTER_TOKEN / RM_ENROL_TOKEN / RM_TOKEN    one-time enrollment token
#   MUSTER_CLAIM_TOKEN, MUSTER_CLAIM_ROOMS      or: a space claim token (or one-time token) and rooms to claim with
#   MUSTER_FORCE_REENROLL / RM_FORCE_REENROLL   1: enroll again even if this host is enrolled
#   MUSTER_CA_PIN                               sha256:<hex> of the server CA key (filled in by the server)
#   MUSTER_HOSTNAME / RM_HOSTNAME               name to enroll as (default: this machine's host name)
#   MUSTER_EPHEMERAL                            1: claim as an ephemeral node (removed after a time offline)
#   MUSTER_PREFIX                               install under this root instead of / (for tests and images)
#   MUSTER_NODE                                 install the JavaScript agent and run it with this Node.js (20 or
#                                               newer) instead of the self-contained executable (the default)
#   MUSTER_WRITABLE_PATHS                       space-separated paths the agent may write besides its state directory
#                                               (a local backup repository, restore targets); see muster-agent allow-path
set -euo pipefail

SERVER="${MUSTER_SERVER:-${RM_SERVER:-@@SERVER@@}}"
TOKEN="${MUSTER_TOKEN:-${RM_ENROL_TOKEN:-${RM_TOKEN:-}}}"
CLAIM_TOKEN="${MUSTER_CLAIM_TOKEN:-}"
CLAIM_ROOMS="${MUSTER_CLAIM_ROOMS:-}"
FORCE="${MUSTER_FORCE_REENROLL:-${RM_FORCE_REENROLL:-0}}"
PIN="${MUSTER_CA_PIN:-@@CA_PIN@@}"
PREFIX="${MUSTER_PREFIX:-}"
NODE="${MUSTER_NODE:-}"
HOST_NAME="${MUSTER_HOSTNAME:-${RM_HOSTNAME:-}}"
WRITABLE_PATHS="${MUSTER_WRITABLE_PATHS:-}"
EPHEMERAL="${MUSTER_EPHEMERAL:-0}"

STATE_DIR="$PREFIX/var/lib/muster-agent"
APP_DIR="$PREFIX/opt/muster-agent"
UNIT_FILE="$PREFIX/etc/systemd/system/muster-agent.service"

say() { printf 'muster-install: %s\n' "$*"; }
die() { code=$1; shift; printf 'muster-install: error: %s\n' "$*" >&2; exit "$code"; }

# Exit codes follow the agent's: 1 usage, 2 directories, 3 missing dependency, 4 cannot reach the server, 19 trust.
[ -n "$SERVER" ] || die 1 "set MUSTER_SERVER to the server URL"
SERVER="${SERVER%/}"
for tool in uname sha256sum; do command -v "$tool" >/dev/null 2>&1 || die 3 "$tool is required"; done
if command -v curl >/dev/null 2>&1; then FETCH=curl
elif command -v wget >/dev/null 2>&1; then FETCH=wget
else die 3 "curl or wget is required"; fi
if [ -n "$NODE" ]; then
  command -v "$NODE" >/dev/null 2>&1 || die 3 "MUSTER_NODE=$NODE is not a command"
  node_major=$("$NODE" -p 'process.versions.node.split(".")[0]')
  [ "$node_major" -ge 20 ] || die 3 "Node.js $node_major is too old; the JavaScript agent needs 20 or newer (unset MUSTER_NODE to use the executable)"
fi
if [ -z "$PREFIX" ] && [ "$(id -u)" -ne 0 ]; then die 1 "run as root (sudo), or set MUSTER_PREFIX"; fi

case "$(uname -m)" in
  x86_64 | amd64) ARCH=amd64 ;;
  aarch64 | arm64) ARCH=arm64 ;;
  *) die 3 "unsupported architecture $(uname -m); amd64 and arm64 are supported" ;;
esac

# Idempotence: an enrolled host is left as it is unless asked to enroll again.
if [ -s "$STATE_DIR/cloud.d/claimed_id" ] && [ "$FORCE" != "1" ]; then
  say "this host is already enrolled as $(cat "$STATE_DIR/cloud.d/claimed_id"); nothing changed (MUSTER_FORCE_REENROLL=1 enrolls again)"
  exit 0
fi
[ -n "$TOKEN" ] || [ -n "$CLAIM_TOKEN" ] || die 1 "set MUSTER_TOKEN to a one-time enrollment token (or MUSTER_CLAIM_TOKEN to a claim token)"

install -d -m 0755 "$APP_DIR" || die 2 "cannot create $APP_DIR"
install -d -m 0700 "$STATE_DIR" "$STATE_DIR/cloud.d" || die 2 "cannot create $STATE_DIR"

# get URL FILE [insecure]: download with curl or wget, trusting only $CA_FILE once the pin has been checked; the one
# insecure fetch is the CA itself, which nothing uses before its key matches the pin. A curl that decodes zstd asks
# for it (the executable's download is about a third of its size); the checksum is checked on what was written.
CA_FILE=""
COMPRESSED=""
if [ "$FETCH" = curl ] && curl -V 2>/dev/null | grep -qiw zstd; then COMPRESSED=1; fi
get() {
  if [ "$FETCH" = curl ]; then
    curl -fsS --retry 3 --connect-timeout 15 ${COMPRESSED:+--compressed} ${3:+-k} ${CA_FILE:+--cacert "$CA_FILE"} "$1" -o "$2"
  else
    wget -q --tries=3 --timeout=15 ${3:+--no-check-certificate} ${CA_FILE:+--ca-certificate="$CA_FILE"} "$1" -O "$2"
  fi
}

# Trust: with a pin, fetch the CA without trusting it, check its key against the pin, then use it for everything.
if [ -n "$PIN" ] && [ "${SERVER#https://}" != "$SERVER" ]; then
  command -v openssl >/dev/null 2>&1 || die 3 "openssl is required to check the server's CA pin"
  ca_tmp="$(mktemp)"
  trap 'rm -f "$ca_tmp"' EXIT
  get "$SERVER/ca.pem" "$ca_tmp" insecure || die 4 "cannot fetch $SERVER/ca.pem"
  got="sha256:$(openssl x509 -in "$ca_tmp" -pubkey -noout | openssl pkey -pubin -outform der | sha256sum | cut -d' ' -f1)"
  want="sha256:${PIN#sha256:}"
  [ "$got" = "$want" ] || die 19 "the server's CA key is $got, not the pinned $want; refusing to continue"
  install -m 0644 "$ca_tmp" "$STATE_DIR/cloud.d/ca.pem"
  CA_FILE="$STATE_DIR/cloud.d/ca.pem"
  PIN_ARGS=(--ca-pin "$want")
else
  PIN_ARGS=()
fi

# The self-contained executable for this architecture, or the JavaScript agent when MUSTER_NODE is set.
if [ -n "$NODE" ]; then
  FILE=muster-agent.mjs
  URL="$SERVER/agent/muster-agent.mjs"
  SUM_URL="$SERVER/agent/muster-agent.mjs.sha256"
else
  FILE=muster-agent
  URL="$SERVER/agent/binary?os=linux&arch=$ARCH"
  SUM_URL="$SERVER/agent/binary.sha256?os=linux&arch=$ARCH"
fi
say "downloading the agent for linux/$ARCH from $SERVER"
get "$URL" "$APP_DIR/$FILE.new" || die 4 "cannot download the agent from $URL"
get "$SUM_URL" "$APP_DIR/$FILE.sha256" || die 4 "cannot download the agent checksum"
want_sum="$(cut -d' ' -f1 "$APP_DIR/$FILE.sha256")"
got_sum="$(sha256sum "$APP_DIR/$FILE.new" | cut -d' ' -f1)"
rm -f "$APP_DIR/$FILE.sha256"
if [ "$got_sum" != "$want_sum" ]; then
  rm -f "$APP_DIR/$FILE.new"
  die 4 "the downloaded agent does not match its checksum; try again"
fi
chmod 0755 "$APP_DIR/$FILE.new"
mv -f "$APP_DIR/$FILE.new" "$APP_DIR/$FILE"

if [ -n "$NODE" ]; then
  AGENT=("$NODE" "$APP_DIR/$FILE")
  EXEC_START="$(command -v "$NODE") /opt/muster-agent/$FILE"
else
  AGENT=("$APP_DIR/$FILE")
  EXEC_START="/opt/muster-agent/$FILE"
fi
"${AGENT[@]}" --version >/dev/null 2>&1 || die 3 "the agent does not run on this host (${AGENT[*]} --version failed)"
NAME_ARGS=()
[ -n "$HOST_NAME" ] && NAME_ARGS=(--hostname "$HOST_NAME")
FORCE_ARGS=()
[ "$FORCE" = "1" ] && FORCE_ARGS=(--force)
[ "$EPHEMERAL" = "1" ] && FORCE_ARGS+=(--ephemeral)
# Tokens reach the agent in its environment, never on its command line (other local users can read that).
if [ -n "$CLAIM_TOKEN" ]; then
  say "claiming"
  ROOM_ARGS=()
  [ -n "$CLAIM_ROOMS" ] && ROOM_ARGS=(--rooms "$CLAIM_ROOMS")
  MUSTER_CLAIM_TOKEN="$CLAIM_TOKEN" "${AGENT[@]}" claim --state-dir "$STATE_DIR" --local-api off --noreload --url "$SERVER" "${ROOM_ARGS[@]}" "${PIN_ARGS[@]}" "${NAME_ARGS[@]}" "${FORCE_ARGS[@]}"
else
  say "enrolling"
  MUSTER_CLAIM_TOKEN="$TOKEN" "${AGENT[@]}" enroll --state-dir "$STATE_DIR" --local-api off --noreload --url "$SERVER" "${PIN_ARGS[@]}" "${NAME_ARGS[@]}" "${FORCE_ARGS[@]}"
fi

# Existing restic schedules are reported, never changed.
found=0
for f in "$PREFIX"/etc/crontab "$PREFIX"/etc/cron.d/* "$PREFIX"/var/spool/cron/crontabs/* "$PREFIX"/etc/systemd/system/*.timer "$PREFIX"/etc/systemd/system/*.service; do
  [ -f "$f" ] || continue
  [ "$f" = "$UNIT_FILE" ] && continue
  if grep -qs 'restic' "$f"; then
    say "existing restic schedule found in ${f#"$PREFIX"} (left untouched; move it to Muster schedules when ready)"
    found=1
  fi
done
[ "$found" = 1 ] || say "no existing restic cron entries or timers found"

install -d -m 0755 "$(dirname "$UNIT_FILE")"
cat >"$UNIT_FILE" <<UNIT
[Unit]
Description=Muster agent
Documentation=$SERVER
After=network-online.target
Wants=network-online.target

[Service]
ExecStart=$EXEC_START run --state-dir /var/lib/muster-agent
Restart=always
RestartSec=5
NoNewPrivileges=yes
ProtectSystem=strict
# /opt/muster-agent: updates from the server replace the executable there (muster-agent update).
ReadWritePaths=/var/lib/muster-agent /opt/muster-agent
ProtectHome=read-only
PrivateTmp=yes
ProtectKernelTunables=yes
ProtectKernelModules=yes
ProtectControlGroups=yes
RestrictSUIDSGID=yes
LockPersonality=yes
CapabilityBoundingSet=CAP_DAC_READ_SEARCH CAP_DAC_OVERRIDE CAP_FOWNER CAP_CHOWN
UMask=0077

[Install]
WantedBy=multi-user.target
UNIT
chmod 0644 "$UNIT_FILE"
if [ -n "$WRITABLE_PATHS" ]; then
  # shellcheck disable=SC2086 # a list of paths, split on purpose
  "${AGENT[@]}" allow-path --no-restart --unit-dir "$(dirname "$UNIT_FILE")" $WRITABLE_PATHS || die 1 "cannot allow the agent to write to $WRITABLE_PATHS"
fi

node_id="$(cat "$STATE_DIR/cloud.d/claimed_id")"
if [ -z "$PREFIX" ] && [ -d /run/systemd/system ] && command -v systemctl >/dev/null 2>&1; then
  systemctl daemon-reload
  systemctl enable --now muster-agent.service
  say "the agent is running (systemctl status muster-agent)"
  say "done: host $node_id enrolled with $SERVER; it shows online there once its link is up"
else
  # Enrolled, but nothing runs the agent: say so rather than claim the host is connected.
  why="systemd does not run here"
  [ -n "$PREFIX" ] && why="it was installed under $PREFIX, not started"
  say "done: host $node_id enrolled with $SERVER, but the agent is NOT running: $why."
  say "the unit is in $UNIT_FILE for a system that boots with systemd; until then start the agent yourself"
  say "(in a container: as its command; elsewhere: under your service manager), with:"
  say "  ${AGENT[*]} run --state-dir $STATE_DIR"
fi
