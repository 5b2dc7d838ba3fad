#!/usr/bin/env bash
# Makes a checkout ready to run: Node.js present, npm packages installed, TypeScript built,
# and (when asked) Debian packages installed. Idempotent and quick when nothing changed.
# Usage: scripts/ensure.sh [--quick] [--debian pkg:binary ...]  (--quick: skip the native-module check)
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"

say() { printf 'k8ts setup: %s\n' "$*" >&2; }
die() { say "$*"; exit 1; }

command -v node >/dev/null || die "Node.js 20 or newer is required (not found on PATH)."
major="$(node -p 'process.versions.node.split(".")[0]')"
[ "$major" -ge 20 ] || die "Node.js 20 or newer is required (found $(node --version))."
command -v npm >/dev/null || die "npm is required (not found on PATH)."

debian=()
quick=0
while [ $# -gt 0 ]; do
  case "$1" in
    --debian) debian+=("$2"); shift 2 ;;
    --quick) quick=1; shift ;;
    *) die "unknown option $1" ;;
  esac
done

# Debian packages: pkg:binary pairs; install the missing ones when root, else name them and stop.
missing=()
for pair in "${debian[@]+"${debian[@]}"}"; do
  pkg="${pair%%:*}"; bin="${pair#*:}"
  case "$bin" in
    # py:<module>: a Python module for Debian's /usr/bin/python3
    py:*) /usr/bin/python3 -c "import ${bin#py:}" >/dev/null 2>&1 || missing+=("$pkg") ;;
    *) command -v "$bin" >/dev/null 2>&1 || [ -e "$bin" ] || missing+=("$pkg") ;;
  esac
done
if [ "${#missing[@]}" -gt 0 ]; then
  if [ "$(id -u)" -eq 0 ] && command -v apt-get >/dev/null; then
    say "installing Debian packages: ${missing[*]}"
    export DEBIAN_FRONTEND=noninteractive
    apt-get install -y -q --no-install-recommends "${missing[@]}" >/dev/null 2>&1 || {
      apt-get update -q >/dev/null 2>&1 || true
      apt-get install -y -q --no-install-recommends "${missing[@]}" >/dev/null || die "apt-get install ${missing[*]} failed"
    }
  else
    die "missing Debian packages: ${missing[*]} (run as root to install them automatically, or: apt-get install ${missing[*]})"
  fi
fi

# npm packages: install when node_modules is missing or older than the lockfile.
if [ ! -d node_modules ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
  # npm install (not ci): it keeps the lockfile's versions, and unlike ci it tolerates a lockfile
  # that npm 11 wrote without other platforms' optional native bindings.
  say "installing npm packages"
  npm install --no-audit --no-fund --loglevel=error >&2 || die "npm install failed"
fi
# --quick (kubectl): no native module is loaded, so skip the check that costs a Node start.
[ "$quick" -eq 1 ] || node -e "new (require('better-sqlite3'))(':memory:').close()" 2>/dev/null || {
  say "building better-sqlite3 (native module)"
  npm rebuild better-sqlite3 --loglevel=error >&2 || die "building better-sqlite3 failed (needs python3, make and g++)"
}

# TypeScript: rebuild when any source is newer than the last build stamp.
stamp=dist/.build-stamp
if [ ! -f "$stamp" ] || [ ! -f dist/kubectl.cjs ] || [ -n "$(find src bench scripts test tsconfig.json package.json -newer "$stamp" -print -quit 2>/dev/null)" ]; then
  say "building (tsc)"
  npx tsc -p tsconfig.json >&2 || die "TypeScript build failed"
  # kubectl starts on every call: one bundled file loads far faster than a tree of modules.
  npm run -s bundle >&2 || die "bundling kubectl (esbuild) failed"
  touch "$stamp"
fi
