#!/usr/bin/env bash
# Log in and mint a one-time enrollment token for one host; prints the token.
# Needs only curl and jq. Usage:
#   MUSTER_SERVER=https://muster.example:8443 MUSTER_USER=ops MUSTER_PASSWORD=... \
#   [MUSTER_CACERT=ca.pem] [REPO_URL=... REPO_PASSWORD=...] ./mint-enrollment-token.sh web-1
set -euo pipefail
host="${1:?usage: $0 HOSTNAME}"
: "${MUSTER_SERVER:?set MUSTER_SERVER}" "${MUSTER_USER:?set MUSTER_USER}" "${MUSTER_PASSWORD:?set MUSTER_PASSWORD}"
jar="$(mktemp)"
trap 'rm -f "$jar"' EXIT
tls=()
[ -n "${MUSTER_CACERT:-}" ] && tls=(--cacert "$MUSTER_CACERT")

jq -n --arg u "$MUSTER_USER" --arg p "$MUSTER_PASSWORD" '{username: $u, password: $p}' |
  curl -fsS "${tls[@]}" -c "$jar" -H 'content-type: application/json' -d @- "$MUSTER_SERVER/api/auth/login" >/dev/null

jq -n --arg h "$host" --arg r "${REPO_URL:-}" --arg pw "${REPO_PASSWORD:-}" \
  '{hostname: $h} + (if $r != "" then {repo_url: $r, repo_password: $pw} else {} end)' |
  curl -fsS "${tls[@]}" -b "$jar" -H 'content-type: application/json' -d @- "$MUSTER_SERVER/api/enrollment-tokens" |
  jq -r .token
