#!/usr/bin/env bash
# One command for a fresh machine: installs what is missing, then runs the whole stack.
set -euo pipefail
# With TEMPORAL_ADDRESS the stack uses that cluster: no dev server, so no CLI to build.
if [[ -n "${TEMPORAL_ADDRESS:-}" ]]; then SKIP_TEMPORAL_CLI=1; fi
SKIP_HELM=1 # only the tests use Helm (they render and lint the chart)
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
source infra/console.sh
build_console
exec node --import tsx infra/src/start.ts "$@"
