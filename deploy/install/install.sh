#!/usr/bin/env bash
# Muster agent installer for Linux (amd64, arm64). The server serves this file at /install/install.sh with its own
# URL and CA pin filled in. Usage:
#   curl -fsSL "$SERVER/install/install.sh" | sudo MUSTER_SERVER="$SERVER" MUSTER_TOKEN="$TOKEN" bash
# Settings (RM_* names are accepted as aliases):
#   MUSTER_SERVER / RM_SERVER                   server URL
#   MUSTER_TOKEN / RM_TOKEN                     one-time enrollment token
#   MUSTER_CLAIM_TOKEN, MUSTER_CLAIM_ROOMS      or: a space claim token (or one-time token) and rooms to claim with
#   MUSTER_FORCE_REENROLL / RM_FORCE_REENROLL   1: enroll again even if this host is enrolled
#   MUSTER_CA_PIN                               sha256:<hex> of the server CA key (filled in by the server)
#   MUSTER_HOSTNAME / RM_HOSTNAME               name to enroll as (default: this machine's host name)
#   MUSTER_PREFIX                               install under this root instead of / (for tests and images)
#   MUSTER_NODE                                 Node.js binary to use (default: node on PATH)
#   MUSTER_WRITABLE_PATHS                       space-separated paths the agent may write besides its state directory
#                                               (a local backup repository, restore targets); see muster-agent allow-path
set -euo pipefail

SERVER="${MUSTER_SERVER:-${RM_SERVER:-@@SERVER@@}}"
TOKEN="${MUSTER_TOKEN:-${RM_TOKEN:-}}"
CLAIM_TOKEN="${MUSTER_CLAIM_TOKEN:-}"
CLAIM_ROOMS="${MUSTER_CLAIM_ROOMS:-}"
FORCE="${MUSTER_FORCE_REENROLL:-${RM_FORCE_REENROLL:-0}}"
PIN="${MUSTER_CA_PIN:-@@CA_PIN@@}"
PREFIX="${MUSTER_PREFIX:-}"
NODE="${MUSTER_NODE:-node}"
HOST_NAME="${MUSTER_HOSTNAME:-${RM_HOSTNAME:-}}"
WRITABLE_PATHS="${MUSTER_WRITABLE_PATHS:-}"

STATE_DIR="$PREFIX/var/lib/muster-agent"
APP_DIR="$PREFIX/opt/muster-agent"
UNIT_FILE="$PREFIX/etc/systemd/system/muster-agent.service"

say() { printf 'muster-install: %s\n' "$*"; }
die() { code=$1; shift; printf 'muster-install: error: %s\n' "$*" >&2; exit "$code"; }

# Exit codes follow the agent's: 1 usage, 2 directories, 3 missing dependency, 4 cannot reach the server, 19 trust.
[ -n "$SERVER" ] || die 1 "set MUSTER_SERVER to the server URL"
SERVER="${SERVER%/}"
for tool in curl uname sha256sum; do command -v "$tool" >/dev/null 2>&1 || die 3 "$tool is required"; done
command -v "$NODE" >/dev/null 2>&1 || die 3 "Node.js 20 or newer is required (install nodejs, or set MUSTER_NODE)"
node_major=$("$NODE" -p 'process.versions.node.split(".")[0]')
[ "$node_major" -ge 20 ] || die 3 "Node.js $node_major is too old; the agent needs 20 or newer"
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

# Trust: with a pin, fetch the CA without trusting it, check its key against the pin, then use it for everything.
CURL=(curl -fsS --retry 3 --connect-timeout 15)
if [ -n "$PIN" ] && [ "${SERVER#https://}" != "$SERVER" ]; then
  command -v openssl >/dev/null 2>&1 || die 3 "openssl is required to check the server's CA pin"
  ca_tmp="$(mktemp)"
  trap 'rm -f "$ca_tmp"' EXIT
  curl -fsSk --connect-timeout 15 "$SERVER/ca.pem" -o "$ca_tmp" || die 4 "cannot fetch $SERVER/ca.pem"
  got="sha256:$(openssl x509 -in "$ca_tmp" -pubkey -noout | openssl pkey -pubin -outform der | sha256sum | cut -d' ' -f1)"
  want="sha256:${PIN#sha256:}"
  [ "$got" = "$want" ] || die 19 "the server's CA key is $got, not the pinned $want; refusing to continue"
  install -m 0644 "$ca_tmp" "$STATE_DIR/cloud.d/ca.pem"
  CURL+=(--cacert "$STATE_DIR/cloud.d/ca.pem")
  PIN_ARGS=(--ca-pin "$want")
else
  PIN_ARGS=()
fi

say "downloading the agent for linux/$ARCH from $SERVER"
"${CURL[@]}" "$SERVER/agent/binary?os=linux&arch=$ARCH" -o "$APP_DIR/muster-agent.mjs.new" || die 4 "cannot download the agent from $SERVER"
want_sum="$("${CURL[@]}" "$SERVER/agent/muster-agent.mjs.sha256" | cut -d' ' -f1)" || die 4 "cannot download the agent checksum"
got_sum="$(sha256sum "$APP_DIR/muster-agent.mjs.new" | cut -d' ' -f1)"
[ "$got_sum" = "$want_sum" ] || die 4 "the downloaded agent does not match its checksum; try again"
chmod 0755 "$APP_DIR/muster-agent.mjs.new"
mv -f "$APP_DIR/muster-agent.mjs.new" "$APP_DIR/muster-agent.mjs"

AGENT=("$NODE" "$APP_DIR/muster-agent.mjs")
NAME_ARGS=()
[ -n "$HOST_NAME" ] && NAME_ARGS=(--hostname "$HOST_NAME")
FORCE_ARGS=()
[ "$FORCE" = "1" ] && FORCE_ARGS=(--force)
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
ExecStart=$(command -v "$NODE") /opt/muster-agent/muster-agent.mjs run --state-dir /var/lib/muster-agent
Restart=always
RestartSec=5
NoNewPrivileges=yes
ProtectSystem=strict
ReadWritePaths=/var/lib/muster-agent
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

if [ -z "$PREFIX" ] && [ -d /run/systemd/system ] && command -v systemctl >/dev/null 2>&1; then
  systemctl daemon-reload
  systemctl enable --now muster-agent.service
  say "the agent is running (systemctl status muster-agent)"
else
  say "systemd is not running here; start the agent with:"
  say "  ${AGENT[*]} run --state-dir $STATE_DIR"
fi
say "done: host $(cat "$STATE_DIR/cloud.d/claimed_id") connected to $SERVER"
