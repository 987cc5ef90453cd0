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

dotnet run --project tools/Streaming.FieldNames -- "$solution"
dotnet format style "$solution" --severity warn --diagnostics IDE0007 IDE0011 IDE0161
