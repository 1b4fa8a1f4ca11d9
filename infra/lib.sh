# Sourced by infra/start.sh and infra/test.sh: brings a fresh clone to a runnable state.
# Everything lands in git-ignored folders of the repo (.tools/, node_modules/); nothing global.
set -euo pipefail

PNPM_VERSION=10.34.8     # keep equal to "packageManager" in package.json
TEMPORAL_CLI_VERSION=1.5.1 # v1.6.0+ carry a go.mod `replace` and cannot be `go install`ed
HELM_VERSION=3.22.0       # keep equal to infra/src/helm.ts; only the tests use it (the chart's offline validation)

cd "$(dirname "${BASH_SOURCE[0]}")/.."
REPO_ROOT="$(pwd -P)"

log() { printf '[setup] %s\n' "$*" >&2; }

# --- pnpm (pinned, repo-local) -------------------------------------------------------------
PNPM_DIR="$REPO_ROOT/.tools/pnpm"
if [[ ! -x "$PNPM_DIR/node_modules/.bin/pnpm" ]] || [[ "$("$PNPM_DIR/node_modules/.bin/pnpm" --version 2>/dev/null)" != "$PNPM_VERSION" ]]; then
  log "installing pnpm@$PNPM_VERSION into .tools/pnpm"
  npm install --prefix "$PNPM_DIR" --no-audit --no-fund --loglevel=error "pnpm@$PNPM_VERSION"
fi
export PATH="$PNPM_DIR/node_modules/.bin:$PATH"

# --- JS dependencies + Prisma client ---------------------------------------------------------
# pnpm itself is quick when node_modules already matches the lockfile.
if ! install_output="$(pnpm install --frozen-lockfile 2>&1)"; then
  printf '%s\n' "$install_output" >&2
  log "pnpm install failed"
  exit 1
fi

# Prisma's CLI tries to download native engines on start-up; we use its JS/Wasm engines only,
# and pointing these at any existing file skips the download (see shared docs/environment.md).
export PRISMA_SCHEMA_ENGINE_BINARY="$REPO_ROOT/package.json"
export PRISMA_QUERY_ENGINE_LIBRARY="$REPO_ROOT/package.json"
export PRISMA_HIDE_UPDATE_MESSAGE=1
export CHECKPOINT_DISABLE=1
if ! generate_output="$(pnpm --silent --filter @dj/db generate 2>&1)"; then
  printf '%s\n' "$generate_output" >&2
  log "prisma generate failed"
  exit 1
fi

# --- Temporal CLI (dev server + Web UI), built from the Go module proxy once per version ---------
TEMPORAL_DIR="$REPO_ROOT/.tools/temporal-$TEMPORAL_CLI_VERSION"
export TEMPORAL_CLI_PATH="$TEMPORAL_DIR/temporal"
# Not needed to run against an external cluster (infra/start.sh with TEMPORAL_ADDRESS set).
if [[ ! -x "$TEMPORAL_CLI_PATH" && "${SKIP_TEMPORAL_CLI:-0}" != 1 ]]; then
  GO_BIN="$(command -v go || true)"
  [[ -n "$GO_BIN" ]] || GO_BIN=/usr/local/go/bin/go
  if [[ ! -x "$GO_BIN" ]]; then
    log "Go is required to build the Temporal CLI once (looked on PATH and in /usr/local/go/bin)"
    exit 1
  fi
  log "building Temporal CLI v$TEMPORAL_CLI_VERSION (first run only; a few minutes on 2 cores)"
  # Install into a scratch dir and move into place, so an interrupted build never leaves a
  # half-written binary that the -x check above would accept.
  BUILD_DIR="$TEMPORAL_DIR.partial"
  BUILD_LOG="$REPO_ROOT/.tools/temporal-build.log"
  rm -rf "$BUILD_DIR" && mkdir -p "$BUILD_DIR"
  build() { GOBIN="$BUILD_DIR" "$GO_BIN" install "github.com/temporalio/cli/cmd/temporal@v$TEMPORAL_CLI_VERSION" >"$BUILD_LOG" 2>&1; }
  if ! build; then
    if grep -qiE 'sum\.golang\.org|checksum database|GOSUMDB|verifying .*module' "$BUILD_LOG"; then
      log "Go checksum database unreachable; retrying with GOSUMDB=off (the module proxy still serves the pinned versions)"
      GOSUMDB=off build || { tail -n 30 "$BUILD_LOG" >&2; log "Temporal CLI build failed, full log: $BUILD_LOG"; exit 1; }
    else
      tail -n 30 "$BUILD_LOG" >&2
      log "Temporal CLI build failed, full log: $BUILD_LOG"
      exit 1
    fi
  fi
  mkdir -p "$TEMPORAL_DIR"
  mv "$BUILD_DIR/temporal" "$TEMPORAL_CLI_PATH"
  rm -rf "$BUILD_DIR"
fi

# --- Helm, built from the Go module proxy once per version (the tests render and lint the chart) -----
HELM_DIR="$REPO_ROOT/.tools/helm-$HELM_VERSION"
export HELM_PATH="$HELM_DIR/helm"
if [[ ! -x "$HELM_PATH" && "${SKIP_HELM:-0}" != 1 ]]; then
  GO_BIN="$(command -v go || true)"
  [[ -n "$GO_BIN" ]] || GO_BIN=/usr/local/go/bin/go
  log "building Helm v$HELM_VERSION (first run only; about three minutes on 2 cores)"
  HELM_BUILD_DIR="$HELM_DIR.partial"
  HELM_BUILD_LOG="$REPO_ROOT/.tools/helm-build.log"
  rm -rf "$HELM_BUILD_DIR" && mkdir -p "$HELM_BUILD_DIR"
  if ! GOBIN="$HELM_BUILD_DIR" "$GO_BIN" install "helm.sh/helm/v3/cmd/helm@v$HELM_VERSION" >"$HELM_BUILD_LOG" 2>&1 \
    && ! GOSUMDB=off GOBIN="$HELM_BUILD_DIR" "$GO_BIN" install "helm.sh/helm/v3/cmd/helm@v$HELM_VERSION" >>"$HELM_BUILD_LOG" 2>&1; then
    tail -n 30 "$HELM_BUILD_LOG" >&2
    log "Helm build failed, full log: $HELM_BUILD_LOG"
    exit 1
  fi
  mkdir -p "$HELM_DIR"
  mv "$HELM_BUILD_DIR/helm" "$HELM_PATH"
  rm -rf "$HELM_BUILD_DIR"
fi
