#!/usr/bin/env bash
# Typecheck, lint, then the test suite (extra arguments go to vitest). Stops at the first failure.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
source infra/console.sh
source infra/chromium.sh
pnpm typecheck
pnpm lint
build_console # once, before the browser tests start stacks that serve it
pnpm exec vitest run "$@"
