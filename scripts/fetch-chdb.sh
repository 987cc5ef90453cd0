#!/usr/bin/env bash
# Fetches libchdb.so (the ClickHouse engine as a library) for the embedded ClickHouse.
# The library comes from the npm package @chdb/lib-linux-x64-gnu and is unpacked once into
# ~/.cache/streaming/chdb/<version>/, never into the repository. Safe to run again: when the
# library is already there it only prints its path.
#
# Usage: scripts/fetch-chdb.sh            -> prints the absolute path of libchdb.so on its last line
# Env:   STREAMING_CHDB_LIB               -> an existing libchdb.so to use instead (nothing is fetched)
#        STREAMING_CHDB_CACHE             -> cache root (default ~/.cache/streaming/chdb)
# Keep CHDB_VERSION in step with ChDbLibrary.Version.
set -euo pipefail

CHDB_PACKAGE="@chdb/lib-linux-x64-gnu"
CHDB_VERSION="26.7.3-stable.1"

log() { echo "fetch-chdb: $*" >&2; }

if [[ -n "${STREAMING_CHDB_LIB:-}" ]]; then
  if [[ -f "$STREAMING_CHDB_LIB" ]]; then
    log "using STREAMING_CHDB_LIB=$STREAMING_CHDB_LIB"
    echo "$STREAMING_CHDB_LIB"
    exit 0
  fi
  log "STREAMING_CHDB_LIB is set to '$STREAMING_CHDB_LIB' but no file is there; unset it or point it at libchdb.so"
  exit 1
fi

cache_root="${STREAMING_CHDB_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/streaming/chdb}"
target_dir="$cache_root/$CHDB_VERSION"
library="$target_dir/libchdb.so"

if [[ -f "$library" ]]; then
  log "already present"
  echo "$library"
  exit 0
fi

if ! command -v npm >/dev/null 2>&1; then
  log "npm is not installed; it is needed once to download $CHDB_PACKAGE@$CHDB_VERSION."
  log "Install Node.js/npm (e.g. 'apt-get install -y npm'), or set STREAMING_CHDB_LIB to an existing libchdb.so."
  exit 1
fi

mkdir -p "$cache_root"
# One fetch at a time per cache, shared with the .NET hosts (ChDbLibrary takes the same flock):
# whoever comes second waits, then finds the library there.
exec 9>>"$cache_root/.fetch.lock"
if ! flock -n 9; then
  log "another process is fetching into $cache_root; waiting"
  flock 9
fi
if [[ -f "$library" ]]; then
  log "fetched by another process meanwhile"
  echo "$library"
  exit 0
fi

work_dir="$(mktemp -d "$cache_root/.fetch-XXXXXX")"
trap 'rm -rf "$work_dir"' EXIT

log "downloading $CHDB_PACKAGE@$CHDB_VERSION (~178 MB) with npm pack into $work_dir"
if ! (cd "$work_dir" && npm pack "$CHDB_PACKAGE@$CHDB_VERSION" --loglevel=http --pack-destination "$work_dir" >&2); then
  log "npm pack $CHDB_PACKAGE@$CHDB_VERSION failed (see the npm lines above). Check the network and npm's registry"
  log "setting ('npm config get registry'), then run this again, or set STREAMING_CHDB_LIB to an existing libchdb.so."
  exit 1
fi
tarball="$(ls "$work_dir"/*.tgz)"
log "unpacking libchdb.so (~566 MB) from $(basename "$tarball")"
tar -xzf "$tarball" -C "$work_dir" package/libchdb.so
mkdir -p "$target_dir"
# Rename within one file system so a concurrent reader never sees a half-written library.
mv "$work_dir/package/libchdb.so" "$library.partial"
mv "$library.partial" "$library"
log "done: $(du -h "$library" | cut -f1)"
echo "$library"
