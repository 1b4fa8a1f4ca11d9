# Sourced by infra/test.sh: the browser tests drive Debian's Chromium through playwright-core
# (`npx playwright install` cannot download here), with a CJK font so pages and screenshots show
# Chinese. Installs both once, quietly; a no-op afterwards.
if [[ ! -x /usr/bin/chromium ]] || ! fc-list :lang=zh 2>/dev/null | grep -q .; then
  log "installing Debian's chromium and a CJK font for the browser tests (first run only)"
  sudo_cmd=()
  [[ "$(id -u)" == 0 ]] || sudo_cmd=(sudo)
  mkdir -p "$REPO_ROOT/.tools"
  apt_log="$REPO_ROOT/.tools/chromium-install.log"
  if ! { "${sudo_cmd[@]}" env DEBIAN_FRONTEND=noninteractive apt-get update -qq \
      && "${sudo_cmd[@]}" env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends chromium fonts-wqy-microhei fontconfig; } >"$apt_log" 2>&1; then
    tail -n 30 "$apt_log" >&2
    log "installing chromium failed, full log: $apt_log"
    exit 1
  fi
fi
export CHROMIUM_PATH="${CHROMIUM_PATH:-/usr/bin/chromium}"
