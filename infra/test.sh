#!/usr/bin/env bash
# Typecheck, lint, then the test suite (extra arguments go to vitest). Stops at the first failure.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
pnpm typecheck
pnpm lint
pnpm exec vitest run "$@"
