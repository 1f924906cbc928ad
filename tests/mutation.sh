#!/usr/bin/env bash
# Mutation testing with Stryker.NET (too slow for CI on 2 cores: run it locally, commit the summary to tests/README.md).
#   tests/mutation.sh aspnetcore            src/FlowStream.AspNetCore, all files
#   tests/mutation.sh core                  src/FlowStream.Core, Engine/ and Events/
#   tests/mutation.sh core "**/Validation/**/*.cs" ...   src/FlowStream.Core, other folders (each glob replaces the config's)
# Needs dotnet-stryker 5.1.0: `dotnet tool install --tool-path /tmp/stryker dotnet-stryker --version 5.1.0` (on PATH, or set
# STRYKER=/tmp/stryker/dotnet-stryker). Reports: tests/<project>/StrykerOutput/<timestamp>/reports/ (ignored by git).
set -euo pipefail
cd "$(dirname "$0")"
stryker="${STRYKER:-$(command -v dotnet-stryker || echo /tmp/stryker/dotnet-stryker)}"
target="${1:?usage: tests/mutation.sh aspnetcore|core [mutate-glob...]}"
shift
case "$target" in
  aspnetcore) cd FlowStream.AspNetCore.Tests ;;
  core) cd FlowStream.Core.Tests ;;
  *) echo "unknown target '$target' (aspnetcore or core)" >&2; exit 2 ;;
esac
mutate=()
for glob in "$@"; do mutate+=(--mutate "$glob"); done
# --test-runner mtp: the test projects run on Microsoft.Testing.Platform (Stryker's default VSTest runner cannot start them).
exec "$stryker" --config-file stryker-config.json --test-runner mtp --concurrency "${STRYKER_CONCURRENCY:-1}" "${mutate[@]}"
