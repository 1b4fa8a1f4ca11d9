#!/usr/bin/env bash
# One command for a fresh machine: installs what is missing, then runs the whole stack.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
source infra/console.sh
build_console
exec node --import tsx infra/src/start.ts "$@"
