#!/usr/bin/env bash
# Real-editor tests in one go: install code-server/chromium/neovim if needed, build, then run
#   test/e2e/extension-host.test.ts  mocha suite inside the real VS Code extension host
#   test/e2e/neovim.test.ts          headless Neovim as an LSP client over stdio
#   test/e2e/ui.test.ts              playwright UI test of the installed .vsix in code-server
# in ONE `node --test` run (TAP reporter), so the output ends with a single "# tests/# pass/# fail" block.
#
#   scripts/e2e/run-all.sh [--skip-install] [--skip-build] [extension-host|neovim|ui ...]
#
# Environment: IIS6_E2E_CACHE (install cache), IIS6_E2E_KEEP=1 (keep temp profiles), see test/e2e/README.md.
# Exit status: that of node --test (non-zero when any test failed).
set -euo pipefail
cd "$(dirname "$0")/../.."

T0=$(date +%s.%N)
elapsed() { awk -v a="$1" -v b="$(date +%s.%N)" 'BEGIN { printf "%.1f s", b - a }'; }
log() { echo "[e2e] $*" >&2; }

skip_install=0 skip_build=0 files=()
for a in "$@"; do
  case "$a" in
    --skip-install) skip_install=1 ;;
    --skip-build) skip_build=1 ;;
    extension-host|neovim|ui) files+=("test/e2e/$a.test.ts") ;;
    *) echo "usage: $0 [--skip-install] [--skip-build] [extension-host|neovim|ui ...]" >&2; exit 2 ;;
  esac
done
[ ${#files[@]} -gt 0 ] || files=(test/e2e/extension-host.test.ts test/e2e/neovim.test.ts test/e2e/ui.test.ts)

if [ ! -d node_modules/playwright-core ] || [ ! -d node_modules/mocha ] || [ ! -d node_modules/@vscode/vsce ]; then
  t=$(date +%s.%N); log "node_modules incomplete: npm ci"
  npm ci --no-audit --no-fund >&2
  log "npm ci: $(elapsed "$t")"
fi

if [ "$skip_install" = 0 ]; then
  t=$(date +%s.%N)
  scripts/e2e/install-code-server.sh >/dev/null
  log "install: $(elapsed "$t")"
fi

if [ "$skip_build" = 0 ]; then
  t=$(date +%s.%N)
  npm run --silent build >/dev/null 2>&1 || npm run build >&2
  log "build: $(elapsed "$t")"
fi

t=$(date +%s.%N)
rc=0
# One file at a time: the VS Code servers and chromium instances need the CPU more than parallelism helps.
node --import tsx --test --test-reporter=tap --test-concurrency=1 "${files[@]}" || rc=$?
log "tests: $(elapsed "$t") (exit $rc)"
log "total: $(elapsed "$T0")"
exit $rc
