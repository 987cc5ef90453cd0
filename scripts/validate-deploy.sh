#!/usr/bin/env bash
# Validates what can be validated without a Docker engine or a cluster:
#   docker-compose config -q                     (Debian's docker-compose parses without an engine)
#   helm lint --strict and helm template         (default values and every charts/streaming/ci/*-values.yaml)
# Installs its tools when missing: docker-compose through apt, helm through scripts/fetch-helm.sh
# (npm, into ~/.cache/streaming/helm). Exits non-zero on the first failure.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
CHART="$ROOT/charts/streaming"
# Rendered manifests go to STREAMING_RENDER_DIR when set (kept), else to a temporary folder.
if [[ -n ${STREAMING_RENDER_DIR:-} ]]; then
    OUT="$STREAMING_RENDER_DIR"
    mkdir -p "$OUT"
else
    OUT="$(mktemp -d)"
    trap 'rm -rf "$OUT"' EXIT
fi

say() { echo "validate-deploy: $*"; }
fail() { echo "validate-deploy: FAILED: $*" >&2; exit 1; }

apt_install() {
    command -v apt-get >/dev/null 2>&1 || fail "$1 is missing and apt-get is not available to install it."
    local sudo=""
    if [[ $(id -u) != 0 ]]; then sudo="sudo"; fi
    say "installing $* with apt-get"
    DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq "$@" >/dev/null 2>&1 || {
        $sudo apt-get update -qq >/dev/null 2>&1
        DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq "$@" >/dev/null
    }
}

command -v docker-compose >/dev/null 2>&1 || apt_install docker-compose
command -v npm >/dev/null 2>&1 || apt_install npm
command -v unzip >/dev/null 2>&1 || command -v python3 >/dev/null 2>&1 || apt_install unzip

HELM="${STREAMING_HELM:-}"
if [[ -z $HELM ]]; then HELM="$("$ROOT/scripts/fetch-helm.sh")"; fi
[[ -x $HELM ]] || fail "helm not found at $HELM"

say "docker-compose config -q ($(docker-compose version --short))"
# The file must parse with no .env present, so defaults cover every variable.
(cd "$ROOT" && docker-compose -f docker-compose.yml config -q) || fail "docker-compose.yml does not validate"

value_files=("")
for file in "$CHART"/ci/*-values.yaml; do
    [[ -e $file ]] && value_files+=("$file")
done

for values in "${value_files[@]}"; do
    label="${values:+${values#"$ROOT"/}}"
    label="${label:-default values}"
    args=()
    [[ -n $values ]] && args=(-f "$values")
    name="$(basename "${values:-default}" .yaml)"

    say "helm lint --strict ($label)"
    "$HELM" lint --strict "$CHART" "${args[@]}" || fail "helm lint --strict with $label"

    say "helm template ($label) -> $OUT/$name.yaml"
    "$HELM" template streaming "$CHART" --namespace streaming "${args[@]}" >"$OUT/$name.yaml" \
        || fail "helm template with $label"
    grep -q '^kind: Deployment' "$OUT/$name.yaml" || fail "helm template with $label rendered no Deployment"
done

say "all deployment checks passed ($($HELM version --short))"
