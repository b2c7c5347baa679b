#!/usr/bin/env bash
# Builds the test-cluster binaries (etcd, kube-apiserver,
# kube-controller-manager, kube-scheduler, kwok, helm) from the pinned wrapper
# modules in go/ into a cache outside the repository, building only what is
# missing. Progress goes to stderr; the last line on stdout is the bin dir.
#
# The cache key hashes every go.mod/go.sum under go/ and this script, so a pin
# change builds into a fresh directory and old ones are never reused.
#
# Environment:
#   GO           go command to use (default: go on PATH, else /usr/local/go/bin/go)
#   GOFLAGS      passed through; without a -p flag in it, builds use -p 2 so a
#                2-core machine keeps some headroom and the link steps stay
#                within a few GiB of memory
#   XDG_CACHE_HOME  cache root (default ~/.cache)
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
modules=(kubernetes etcd kwok helm)

log() { printf '[build] %s\n' "$*" >&2; }
die() { printf '[build] error: %s\n' "$*" >&2; exit 1; }

go=${GO:-}
if [[ -z $go ]]; then
  if command -v go >/dev/null 2>&1; then go=go
  elif [[ -x /usr/local/go/bin/go ]]; then go=/usr/local/go/bin/go
  else die "no Go toolchain found: install Go 1.26+ or set GO=/path/to/go"
  fi
fi

key=$(cd "$here" && for m in "${modules[@]}"; do cat "go/$m/go.mod" "go/$m/go.sum"; done | cat - build.sh | sha256sum | cut -c1-16)
root="${XDG_CACHE_HOME:-$HOME/.cache}/supacontrol/testbed/$key"
bin="$root/bin"
mkdir -p "$bin"

# One build per cache dir at a time (./scripts/test and ./scripts/cluster may
# race); the second waits and then finds the binaries present.
exec 9>"$root/.lock"
flock 9

build_args=(-trimpath)
[[ " ${GOFLAGS:-} " == *" -p="* || " ${GOFLAGS:-} " == *" -p "* ]] || build_args+=(-p 2)
export CGO_ENABLED=0

# module_version DIR MODULE: the version DIR's go.mod resolves MODULE to.
module_version() { (cd "$here/go/$1" && "$go" list -m -f '{{if .Replace}}{{.Replace.Version}}{{else}}{{.Version}}{{end}}' "$2"); }

# build MODULE_DIR LDFLAGS NAME=PACKAGE...: builds the missing NAMEs into $bin.
build() {
  local dir=$1 ldflags=$2; shift 2
  local pkgs=() names=() spec
  for spec in "$@"; do
    [[ -x "$bin/${spec%%=*}" ]] && continue
    names+=("${spec%%=*}"); pkgs+=("${spec#*=}")
  done
  ((${#names[@]})) || return 0
  local tmp start
  tmp=$(mktemp -d "$root/.build.XXXXXX")
  start=$SECONDS
  log "building ${names[*]} (go/$dir) ..."
  local i
  for i in "${!names[@]}"; do
    # Built one by one so each binary gets its explicit name (etcd's package
    # path ends in /v3); the shared packages come from the build cache.
    (cd "$here/go/$dir" && "$go" build "${build_args[@]}" -ldflags "-s -w $ldflags" -o "$tmp/${names[$i]}" "${pkgs[$i]}") ||
      { rm -rf "$tmp"; die "go build of ${pkgs[$i]} failed (module go/$dir)"; }
    mv "$tmp/${names[$i]}" "$bin/${names[$i]}"
    log "  ${names[$i]} done ($((SECONDS - start)) s since start of go/$dir)"
  done
  rm -rf "$tmp"
}

# Kubernetes: stamp the version the way hack/lib/version.sh does, so
# `--version` and /version report the real release.
kver=$(module_version kubernetes k8s.io/kubernetes)
[[ $kver =~ ^v([0-9]+)\.([0-9]+)\. ]] || die "unexpected k8s.io/kubernetes version '$kver'"
kflags=""
for pkg in k8s.io/component-base/version k8s.io/client-go/pkg/version; do
  kflags+=" -X $pkg.gitVersion=$kver -X $pkg.gitMajor=${BASH_REMATCH[1]} -X $pkg.gitMinor=${BASH_REMATCH[2]} -X $pkg.gitTreeState=clean"
done
build kubernetes "$kflags" \
  kube-apiserver=k8s.io/kubernetes/cmd/kube-apiserver \
  kube-controller-manager=k8s.io/kubernetes/cmd/kube-controller-manager \
  kube-scheduler=k8s.io/kubernetes/cmd/kube-scheduler

# etcd's version is a constant in go.etcd.io/etcd/api/v3/version.
build etcd "" etcd=go.etcd.io/etcd/server/v3

# kwok's consts.Version already carries its release number.
build kwok "" kwok=sigs.k8s.io/kwok/cmd/kwok

# Helm: the module (v3 or v4) and its version come from go/helm/go.mod alone.
hmod=$(cd "$here/go/helm" && "$go" list -m all | awk '$1 ~ /^helm\.sh\/helm\/v[0-9]+$/ {print $1; exit}')
[[ -n $hmod ]] || die "go/helm/go.mod requires no helm.sh/helm/vN module"
hver=$(module_version helm "$hmod")
cgo=$(module_version helm k8s.io/client-go)
hflags="-X $hmod/internal/version.version=$hver"
if [[ $hmod == helm.sh/helm/v3 && $cgo =~ ^v0\.([0-9]+)\. ]]; then
  # Helm 3's client-side default KubeVersion (helm template/lint without a
  # cluster) is stamped from client-go, as its Makefile does; otherwise it
  # says 1.20. Helm 4 has no such variables.
  for pkg in "$hmod/pkg/chartutil" "$hmod/pkg/lint/rules"; do
    hflags+=" -X $pkg.k8sVersionMajor=1 -X $pkg.k8sVersionMinor=${BASH_REMATCH[1]}"
  done
fi
build helm "$hflags" helm="$hmod/cmd/helm"

echo "$bin"
