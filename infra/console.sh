# Sourced by infra/start.sh and infra/test.sh after lib.sh: builds the web console (Vite) when its
# sources or the lockfile changed since the last build; a stamp in dist/ records what was built.
build_console() {
  local dist="$REPO_ROOT/services/console/dist" stamp
  stamp="$(cd "$REPO_ROOT" && { find services/console/web services/console/package.json -type f -print0 | sort -z | xargs -0 sha256sum; sha256sum pnpm-lock.yaml; } | sha256sum | cut -d' ' -f1)"
  if [[ -f "$dist/index.html" && "$(cat "$dist/.build-stamp" 2>/dev/null)" == "$stamp" ]]; then
    return 0
  fi
  log "building the web console"
  local build_output
  if ! build_output="$(pnpm --silent --filter @dj/console build 2>&1)"; then
    printf '%s\n' "$build_output" >&2
    log "console build failed"
    exit 1
  fi
  printf '%s\n' "$stamp" >"$dist/.build-stamp"
}
