#!/usr/bin/env bash
# Runs the README's test command again on the Node.js majors users run (22 and 24 by default), whatever Node.js the
# machine has: each runtime is the registry's node-linux-<arch> package (npm checks its integrity), better-sqlite3 is
# rebuilt for it from source against the headers that package carries, and the machine's own build of it is put
# back at the end. Usage: scripts/node-runtimes.sh [MAJOR...]
set -euo pipefail
cd "$(dirname "$0")/.."

case "$(uname -m)" in
  x86_64) arch=x64 ;;
  aarch64) arch=arm64 ;;
  *) echo "no Node.js runtime package for $(uname -m)" >&2; exit 1 ;;
esac
majors=("$@")
[ ${#majors[@]} -gt 0 ] || majors=(22 24)

addon=node_modules/better-sqlite3/build/Release/better_sqlite3.node
work="$(mktemp -d)"
# Readable by all: tests run some processes as another user (nobody) with this runtime.
chmod 0755 "$work"
cp "$addon" "$work/better_sqlite3.node.machine"
restore() {
  cp "$work/better_sqlite3.node.machine" "$addon"
  rm -rf "$work"
}
trap restore EXIT

for major in "${majors[@]}"; do
  runtime="$work/node-$major"
  mkdir -p "$runtime"
  tgz="$(cd "$runtime" && npm pack "node-linux-$arch@$major" --silent | tail -n 1)"
  tar xzf "$runtime/$tgz" -C "$runtime" --strip-components=1
  rm -f "$runtime/$tgz"
  echo "== Node.js $("$runtime/bin/node" --version) (node-linux-$arch@$major from the registry)"
  # From source (no prebuilt download: only the npm registry is reachable), against this runtime's own headers.
  PATH="$runtime/bin:$PATH" npm_config_build_from_source=true npm rebuild better-sqlite3 --nodedir="$runtime" --foreground-scripts=false >/dev/null
  PATH="$runtime/bin:$PATH" node -e "require('better-sqlite3')(':memory:'); console.log('better-sqlite3 built for', process.version)"
  PATH="$runtime/bin:$PATH" npm test
done
