#!/usr/bin/env bash
# Installs what the real-editor tests need, idempotently:
#   * Debian packages chromium and neovim (and libkrb5-dev, needed to build code-server), only if missing;
#   * code-server@4.100.3 from the npm registry (bundles VS Code 1.100.3, runs on Node 20) into a cache dir.
#
# Works offline apart from the npm registry and Debian apt. See /work/shared/recipes/real-vscode-and-neovim.md
# for why each workaround exists.
#
#   IIS6_E2E_CACHE   cache dir (default: $HOME/.cache/iis6-metabase-e2e)
#   IIS6_E2E_FORCE=1 reinstall code-server even when the cache is complete
#
# Prints the code-server package dir on the last line of stdout ("CODE_SERVER_DIR=...").
set -euo pipefail

CS_VERSION=4.100.3
# code-server 4.100.3's lib/vscode depends on @vscode/ripgrep 1.15.11, whose postinstall downloads rg from
# api.github.com. It accepts this file from its download cache in os.tmpdir() without any network call.
RG_CACHE_NAME=vscode-ripgrep-cache-1.15.11
RG_ASSET=ripgrep-v13.0.0-10-x86_64-unknown-linux-musl.tar.gz
RG_SEED_PKG=@vscode/ripgrep-linux-x64@1.18.0

CACHE="${IIS6_E2E_CACHE:-$HOME/.cache/iis6-metabase-e2e}"
CS_ROOT="$CACHE/code-server-$CS_VERSION"
CS_DIR="$CS_ROOT/node_modules/code-server"
MARKER="$CS_ROOT/.install-complete"

T0=$(date +%s.%N)
elapsed() { awk -v a="$1" -v b="$(date +%s.%N)" 'BEGIN { printf "%.1f s", b - a }'; }
log() { echo "[install-e2e] $*" >&2; }

# One install at a time per cache: two test runs started together (two checkouts, or CI beside a
# developer's run) would otherwise wipe each other's half-installed code-server. The second waits,
# then finds the install complete.
mkdir -p "$CACHE"
if command -v flock >/dev/null 2>&1; then
  exec 9>"$CACHE/.install.lock"
  flock 9
fi

SUDO=""
if [ "$(id -u)" != 0 ]; then
  if command -v sudo >/dev/null 2>&1; then SUDO="sudo"; else SUDO="__none__"; fi
fi

# ---------------------------------------------------------------- Debian packages
need_apt=()
command -v chromium >/dev/null 2>&1 || need_apt+=(chromium)
command -v nvim >/dev/null 2>&1 || need_apt+=(neovim)
if [ ! -f "$MARKER" ] || [ "${IIS6_E2E_FORCE:-}" = 1 ]; then
  dpkg -s libkrb5-dev >/dev/null 2>&1 || need_apt+=(libkrb5-dev)
  command -v make >/dev/null 2>&1 || need_apt+=(make)
  command -v g++ >/dev/null 2>&1 || need_apt+=(g++)
  command -v python3 >/dev/null 2>&1 || need_apt+=(python3)
  command -v tar >/dev/null 2>&1 || need_apt+=(tar)
fi
if [ ${#need_apt[@]} -gt 0 ]; then
  if [ "$SUDO" = "__none__" ]; then
    log "missing Debian packages: ${need_apt[*]} -- run as root or install them: apt-get install -y --no-install-recommends ${need_apt[*]}"
    exit 1
  fi
  t=$(date +%s.%N)
  log "apt-get install ${need_apt[*]}"
  mkdir -p "$CACHE"
  { $SUDO env DEBIAN_FRONTEND=noninteractive apt-get update -qq &&
    $SUDO env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${need_apt[@]}"; } >"$CACHE/apt.log" 2>&1 ||
    { log "apt-get failed; last lines of $CACHE/apt.log:"; tail -30 "$CACHE/apt.log" >&2; exit 1; }
  log "apt done in $(elapsed "$t")"
else
  log "Debian packages already present (chromium, neovim)"
fi
log "chromium: $(chromium --version 2>/dev/null | head -1)"
log "neovim:   $(XDG_CACHE_HOME="$CACHE/.xdg-cache" nvim --version | head -1)"

# ---------------------------------------------------------------- code-server
if [ -f "$MARKER" ] && [ -f "$CS_DIR/lib/vscode/out/server-main.js" ] && [ "${IIS6_E2E_FORCE:-}" != 1 ]; then
  log "code-server $CS_VERSION already installed in $CS_ROOT"
else
  case "$(uname -m)" in
    x86_64) ;;
    *) log "only x86_64 is supported (ripgrep cache seed is the x86_64 musl build); got $(uname -m)"; exit 1 ;;
  esac
  t=$(date +%s.%N)
  rm -rf "$CS_ROOT"
  mkdir -p "$CS_ROOT"
  # Private TMPDIR so the ripgrep seed sits where os.tmpdir() points during the install, whatever CI sets.
  INSTALL_TMP="$CS_ROOT/.tmp"
  mkdir -p "$INSTALL_TMP/$RG_CACHE_NAME"
  (
    cd "$INSTALL_TMP"
    npm pack "$RG_SEED_PKG" --silent >/dev/null
    mkdir seed && tar xzf vscode-ripgrep-linux-x64-*.tgz -C seed
    tar czf "$INSTALL_TMP/$RG_CACHE_NAME/$RG_ASSET" -C seed/package/bin rg
    rm -rf seed vscode-ripgrep-linux-x64-*.tgz
  )
  log "ripgrep cache seeded from $RG_SEED_PKG in $(elapsed "$t")"

  # node-gyp must find Node's headers locally (nodejs.org is unreachable).
  node_prefix="$(dirname "$(dirname "$(readlink -f "$(command -v node)")")")"
  if [ -z "${npm_config_nodedir:-}" ] && [ -f "$node_prefix/include/node/node.h" ]; then
    export npm_config_nodedir="$node_prefix"
  fi
  [ -n "${npm_config_nodedir:-}" ] || log "warning: no Node headers found under $node_prefix/include/node; node-gyp may try nodejs.org"

  echo '{"name":"iis6-metabase-e2e-code-server","private":true}' >"$CS_ROOT/package.json"
  t=$(date +%s.%N)
  log "npm install code-server@$CS_VERSION (builds native modules; ~1.5 min cold)"
  (
    cd "$CS_ROOT"
    # unsafe_perm: code-server's postinstall refuses root without it. yes: node-pty's postinstall runs
    # `npx node-gyp` and ~/.npmrc may say yes=false.
    TMPDIR="$INSTALL_TMP" npm_config_unsafe_perm=true npm_config_yes=true \
      npm install "code-server@$CS_VERSION" --no-audit --no-fund --no-save --foreground-scripts --loglevel=error >"$CS_ROOT/install.log" 2>&1
  ) || { log "npm install failed; last lines of $CS_ROOT/install.log:"; tail -40 "$CS_ROOT/install.log" >&2; exit 1; }
  log "npm install done in $(elapsed "$t")"

  [ -f "$CS_DIR/lib/vscode/out/server-main.js" ] || { log "server-main.js missing after install"; exit 1; }
  [ -f "$CS_DIR/lib/vscode/node_modules/@vscode/ripgrep/bin/rg" ] || { log "ripgrep missing after install"; exit 1; }
  rm -rf "$INSTALL_TMP"
  date -u +%FT%TZ >"$MARKER"
fi

# code-server writes ~/.config/code-server/config.yaml on any run: keep it out of $HOME.
ver="$(XDG_CONFIG_HOME="$CS_ROOT/.xdg" "$CS_ROOT/node_modules/.bin/code-server" --version 2>/dev/null | grep -m1 'with Code' || true)"
log "code-server: $ver"
log "du: $(du -sh "$CS_ROOT" | cut -f1)"
log "total $(elapsed "$T0")"
echo "CODE_SERVER_DIR=$CS_DIR"
