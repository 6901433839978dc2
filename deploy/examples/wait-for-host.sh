#!/usr/bin/env bash
# Wait until a host is online and its repository settled; prints "<status> <repo_status>" and exits 0 when the
# repository is ready, 1 when it failed to initialise, 2 on timeout. Needs only curl and jq.
#   MUSTER_SERVER=... MUSTER_USER=... MUSTER_PASSWORD=... [MUSTER_CACERT=ca.pem] ./wait-for-host.sh web-1 [seconds]
set -euo pipefail
host="${1:?usage: $0 HOSTNAME [SECONDS]}"
deadline=$((SECONDS + ${2:-120}))
line=''
jar="$(mktemp)"
trap 'rm -f "$jar"' EXIT
tls=()
[ -n "${MUSTER_CACERT:-}" ] && tls=(--cacert "$MUSTER_CACERT")
login() {
  jq -n --arg u "$MUSTER_USER" --arg p "$MUSTER_PASSWORD" '{username: $u, password: $p}' |
    curl -fsS "${tls[@]}" -c "$jar" -H 'content-type: application/json' -d @- "$MUSTER_SERVER/api/auth/login" >/dev/null
}
login
while [ "$SECONDS" -lt "$deadline" ]; do
  code=$(curl -sS "${tls[@]}" -b "$jar" -o /tmp/muster-hosts.$$ -w '%{http_code}' "$MUSTER_SERVER/api/hosts")
  if [ "$code" = 401 ]; then login; continue; fi # session expired: log in again
  line=$(jq -r --arg h "$host" '.[] | select(.hostname == $h) | "\(.status) \(.repo_status)"' /tmp/muster-hosts.$$ | head -n1)
  rm -f /tmp/muster-hosts.$$
  case "$line" in
    "online ready") echo "$line"; exit 0 ;;
    *" init_failed") echo "$line"; exit 1 ;;
  esac
  sleep 1
done
echo "${line:-unknown}"
exit 2
