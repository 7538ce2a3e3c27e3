#!/usr/bin/env bash
# Builds (once) and caches a private Debian 13 (trixie) root holding FRR 10.x, for PELAB_FRR=10 on
# Debian 12: trixie's FRR needs glibc 2.38, so it cannot be installed into bookworm itself.
# FRR10_SUITE=forky builds it from Debian testing instead (FRR 10.7.1 on 2026-12-01): trixie's
# 10.3.0 has FRR regression 1fb48f5d13 (a peer stays Idle while its BFD is down), fixed in 10.3.1.
# The suite is chosen when the root is built; `rm -rf .cache/frr10` before switching.
# Recipe measured in ../shared/notes/netns-runtime-facts.md: debootstrap minbase, then apt-get
# inside with /proc mounted (frr in debootstrap's --include fails on systemd's postinst).
#   scripts/frr10-root.sh [DIR]     default .cache/frr10/root; prints DIR's FRR version
set -euo pipefail
here="$(cd "$(dirname "$0")/.." && pwd)"
root="${1:-$here/.cache/frr10/root}"
mirror="${FRR10_MIRROR:-http://deb.debian.org/debian}"
suite="${FRR10_SUITE:-trixie}"
# debootstrap 1.0.128 (bookworm) has no script for forky; testing bootstraps as sid does.
script=/usr/share/debootstrap/scripts/$suite
[ -e "$script" ] || script=/usr/share/debootstrap/scripts/sid
# A testing suite's Release file is valid for a week only; a mirror snapshot serves an expired one.
apt_opts=""
[ "$suite" = trixie ] || apt_opts="-o Acquire::Check-Valid-Until=false"
say() { echo "frr10-root: $*" >&2; }
[ "$(id -u)" -eq 0 ] || { say "needs root (debootstrap, chroot)"; exit 3; }
if [ ! -f "$root/.pelab-complete" ]; then
  command -v debootstrap >/dev/null || { say "needs debootstrap: apt-get install debootstrap"; exit 3; }
  say "building a Debian $suite root with FRR 10 in $root (once; cached)"
  rm -rf "$root.tmp"
  mkdir -p "$(dirname "$root")"
  log="$(dirname "$root")/build.log"
  debootstrap --variant=minbase "$suite" "$root.tmp" "$mirror" "$script" >"$log" 2>&1 || { say "debootstrap failed; see $log"; exit 3; }
  cp /etc/resolv.conf "$root.tmp/etc/resolv.conf"
  if [ -d /usr/local/share/ca-certificates ]; then cp -r /usr/local/share/ca-certificates/. "$root.tmp/usr/local/share/ca-certificates/"; fi
  # apt needs /proc; a private mount namespace takes the mount away again whatever happens.
  unshare --mount --propagation private -- bash -c 'mount -t proc proc "$1/proc" && chroot "$1" /usr/bin/env -i PATH=/usr/sbin:/usr/bin DEBIAN_FRONTEND=noninteractive sh -c "apt-get $2 update -qq && apt-get install -y -qq --no-install-recommends systemd-standalone-sysusers frr frr-pythontools iproute2"' _ "$root.tmp" "$apt_opts" >>"$log" 2>&1 \
    || { say "installing FRR in the root failed; see $log"; exit 3; }
  touch "$root.tmp/.pelab-complete"
  rm -rf "$root"
  mv "$root.tmp" "$root"
fi
chroot "$root" /usr/lib/frr/zebra --version | head -1
