#!/usr/bin/env bash
# Pins this wrapper module to one Kubernetes release:
#   ./update.sh v1.36.3
# Reads the staging module list from that release's own go.mod (the
# "k8s.io/X => ./staging/src/k8s.io/X" lines), replaces each with its
# published v0.<minor>.<patch>, then tidies. Missing a single staging module
# breaks resolution with "unknown revision v0.0.0", so the whole set is taken.
set -euo pipefail

version=${1:?usage: update.sh vMAJOR.MINOR.PATCH (for example v1.36.3)}
[[ $version =~ ^v1\.([0-9]+)\.([0-9]+)$ ]] || {
  echo "update.sh: version must look like v1.36.3, got '$version'" >&2
  exit 2
}
staging="v0.${BASH_REMATCH[1]}.${BASH_REMATCH[2]}"
cd "$(dirname "${BASH_SOURCE[0]}")"

gomod=$(go mod download -json "k8s.io/kubernetes@$version" |
  sed -n 's/^[[:space:]]*"GoMod": "\(.*\)",$/\1/p')
[[ -f $gomod ]] || { echo "update.sh: no go.mod downloaded for k8s.io/kubernetes@$version" >&2; exit 1; }

modules=$(sed -n 's|^[[:space:]]*\(k8s\.io/[a-z0-9-]*\) => \./staging/src/.*|\1|p' "$gomod" | sort -u)
[[ -n $modules ]] || { echo "update.sh: no staging replaces found in $gomod" >&2; exit 1; }

# Start from a clean replace block so modules dropped upstream disappear here.
for old in $(go mod edit -json | sed -n 's/^[[:space:]]*"Path": "\(k8s\.io\/[^"]*\)",$/\1/p' | sort -u); do
  go mod edit -dropreplace="$old"
done
args=(-require="k8s.io/kubernetes@$version" -replace="k8s.io/kubernetes=k8s.io/kubernetes@$version")
for m in $modules; do
  args+=(-replace="$m=$m@$staging")
done
go mod edit "${args[@]}"
go mod tidy
echo "pinned k8s.io/kubernetes $version with $(wc -w <<<"$modules") staging modules at $staging" >&2
