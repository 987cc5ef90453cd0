#!/usr/bin/env bash
# Rewrites the tree to the code style that the build enforces (.editorconfig with
# EnforceCodeStyleInBuild; a violation is a build error). Idempotent: on a conforming tree it
# changes nothing. Run it before committing, and after merging branches.
#
#   1. private field names (IDE1006): tools/Streaming.FieldNames renames them with Roslyn's
#      Renamer, references included (dotnet format reports IDE1006 but cannot fix it);
#   2. var, braces and file-scoped namespaces (IDE0007, IDE0011, IDE0161): dotnet format.
#
# Usage: scripts/format.sh [solution]   (default: Streaming.sln)
set -euo pipefail
cd "$(dirname "$0")/.."
solution="${1:-Streaming.sln}"

tree_hash() { git ls-files -co --exclude-standard '*.cs' | xargs -r -d '\n' cat | md5sum; }

dotnet run --project tools/Streaming.FieldNames -- "$solution"
# A fix-all pass skips a fix that overlaps another (braces of an else-if chain inside a braced
# branch): repeat until a pass changes nothing (usually one pass, at most three).
for pass in 1 2 3; do
  before="$(tree_hash)"
  dotnet format style "$solution" --severity warn --diagnostics IDE0007 IDE0011 IDE0161
  [ "$(tree_hash)" = "$before" ] && break
  echo "format.sh: pass $pass changed files; checking again"
done
