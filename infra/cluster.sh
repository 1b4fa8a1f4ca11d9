#!/usr/bin/env bash
# The stack against a real Temporal server instead of the dev server: builds the pinned server and its
# SQL schema tool once (cached in .tools/), creates and migrates its two databases on the PostgreSQL of
# TEMPORAL_PG_* (default: the local one), starts the server (all four services in one process), then
# runs infra/start.sh against it in external cluster mode. Ctrl-C stops the stack, then the server.
set -euo pipefail
TEMPORAL_SERVER_VERSION=1.29.1 # the server inside CLI v1.5.1; its module has no `replace` directives

cd "$(dirname "${BASH_SOURCE[0]}")/.."
REPO_ROOT="$(pwd -P)"
log() { printf '[cluster] %s\n' "$*" >&2; }

GO_BIN="$(command -v go || true)"
[[ -n "$GO_BIN" ]] || GO_BIN=/usr/local/go/bin/go
SERVER_DIR="${TEMPORAL_SERVER_DIR:-$REPO_ROOT/.tools/temporal-server-$TEMPORAL_SERVER_VERSION}"
if [[ ! -x "$SERVER_DIR/server" || ! -x "$SERVER_DIR/temporal-sql-tool" ]]; then
  log "building Temporal server and SQL tool v$TEMPORAL_SERVER_VERSION (first run only; a few minutes on 2 cores)"
  BUILD_DIR="$SERVER_DIR.partial"
  rm -rf "$BUILD_DIR" && mkdir -p "$BUILD_DIR"
  GOBIN="$BUILD_DIR" "$GO_BIN" install "go.temporal.io/server/cmd/server@v$TEMPORAL_SERVER_VERSION" "go.temporal.io/server/cmd/tools/sql@v$TEMPORAL_SERVER_VERSION" \
    || { log "build failed (if the Go checksum database is unreachable, retry with GOSUMDB=off)"; exit 1; }
  mkdir -p "$SERVER_DIR"
  mv "$BUILD_DIR/server" "$SERVER_DIR/server"
  mv "$BUILD_DIR/sql" "$SERVER_DIR/temporal-sql-tool"
  rm -rf "$BUILD_DIR"
fi
SCHEMA_DIR="$(GOFLAGS=-mod=mod "$GO_BIN" mod download -json "go.temporal.io/server@v$TEMPORAL_SERVER_VERSION" | sed -n 's/^\s*"Dir": "\(.*\)",$/\1/p')/schema/postgresql/v12"

PG_HOST="${TEMPORAL_PG_HOST:-127.0.0.1}"
PG_PORT="${TEMPORAL_PG_PORT:-5432}"
PG_USER="${TEMPORAL_PG_USER:-postgres}"
PG_PASSWORD="${TEMPORAL_PG_PASSWORD:-}"
DB="${TEMPORAL_PG_DATABASE:-temporal}"
VIS_DB="${TEMPORAL_PG_VISIBILITY_DATABASE:-temporal_visibility}"
# Frontend gRPC port; the other services use the next ports, membership ports 300 below (the server
# stores them as smallint: keep it under 32000).
FRONTEND_PORT="${TEMPORAL_CLUSTER_PORT:-7233}"
(( FRONTEND_PORT > 400 && FRONTEND_PORT < 32000 )) || { log "TEMPORAL_CLUSTER_PORT must be between 400 and 32000"; exit 1; }

ROOT="${DATA_DIR:-$REPO_ROOT/.data}/temporal-cluster"
mkdir -p "$ROOT/config"
SQL_LOG="$ROOT/schema.log"
: >"$SQL_LOG"
sql() { SQL_PLUGIN=postgres12 SQL_HOST="$PG_HOST" SQL_PORT="$PG_PORT" SQL_USER="$PG_USER" SQL_PASSWORD="$PG_PASSWORD" "$SERVER_DIR/temporal-sql-tool" "$@" >>"$SQL_LOG" 2>&1; }
for pair in "$DB:temporal" "$VIS_DB:visibility"; do
  name="${pair%%:*}" schema="${pair##*:}"
  # create-database fails on an existing database: then its schema is already set up
  if sql --db "$name" create-database; then
    sql --db "$name" setup-schema -v 0.0 || { log "schema setup of $name failed; log: $SQL_LOG"; exit 1; }
    log "created database $name"
  fi
  sql --db "$name" update-schema -d "$SCHEMA_DIR/$schema/versioned" || { log "schema update of $name failed; log: $SQL_LOG"; exit 1; }
done
log "databases $DB and $VIS_DB at schema of v$TEMPORAL_SERVER_VERSION"

cp infra/cluster/dynamicconfig.yaml "$ROOT/config/dynamicconfig.yaml"
sed -e "s|@@DB@@|$DB|; s|@@VIS_DB@@|$VIS_DB|; s|@@PG_ADDR@@|$PG_HOST:$PG_PORT|g; s|@@PG_USER@@|$PG_USER|g; s|@@PG_PASSWORD@@|$PG_PASSWORD|g" \
  -e "s|@@FRONTEND@@|$FRONTEND_PORT|g; s|@@HISTORY@@|$((FRONTEND_PORT + 1))|; s|@@MATCHING@@|$((FRONTEND_PORT + 2))|; s|@@WORKER@@|$((FRONTEND_PORT + 6))|; s|@@FRONTEND_HTTP@@|$((FRONTEND_PORT + 10))|g" \
  -e "s|@@FRONTEND_M@@|$((FRONTEND_PORT - 300))|; s|@@HISTORY_M@@|$((FRONTEND_PORT - 299))|; s|@@MATCHING_M@@|$((FRONTEND_PORT - 298))|; s|@@WORKER_M@@|$((FRONTEND_PORT - 294))|; s|@@ROOT@@|$ROOT|" \
  infra/cluster/config.template.yaml > "$ROOT/config/cluster.yaml"

# The server dies with this script (setpriv --pdeathsig), also when the script is killed.
SERVER_LOG="$ROOT/server.log"
setpriv --pdeathsig SIGTERM -- "$SERVER_DIR/server" --root "$ROOT" --config config --env cluster --allow-no-auth start >"$SERVER_LOG" 2>&1 &
SERVER_PID=$!
stop_server() { kill "$SERVER_PID" 2>/dev/null || true; wait "$SERVER_PID" 2>/dev/null || true; }
trap stop_server EXIT
for _ in $(seq 1 120); do
  if (exec 3<>"/dev/tcp/127.0.0.1/$FRONTEND_PORT") 2>/dev/null; then break; fi
  kill -0 "$SERVER_PID" 2>/dev/null || { tail -n 30 "$SERVER_LOG" >&2; log "Temporal server exited; log: $SERVER_LOG"; exit 1; }
  sleep 0.5
done
log "Temporal server v$TEMPORAL_SERVER_VERSION on 127.0.0.1:$FRONTEND_PORT (log: $SERVER_LOG)"

# External cluster mode: start.ts bootstraps the namespace (a real server has no `default`) and attributes.
TEMPORAL_ADDRESS="127.0.0.1:$FRONTEND_PORT" TEMPORAL_NAMESPACE="${TEMPORAL_NAMESPACE:-default}" bash infra/start.sh "$@" &
STACK_PID=$!
trap 'kill -INT "$STACK_PID" 2>/dev/null || true' INT TERM
wait "$STACK_PID" || true
wait "$STACK_PID" 2>/dev/null || true
