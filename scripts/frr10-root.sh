#!/usr/bin/env bash
# Builds (once) and caches a private Debian 13 (trixie) root holding FRR 10.x, for PELAB_FRR=10 on
# Debian 12: trixie's FRR needs glibc 2.38, so it cannot be installed into bookworm itself.
# Recipe measured in ../shared/notes/netns-runtime-facts.md: debootstrap minbase, then apt-get
# inside with /proc mounted (frr in debootstrap's --include fails on systemd's postinst).
#   scripts/frr10-root.sh [DIR]     default .cache/frr10/root; prints DIR's FRR version
set -euo pipefail
here="$(cd "$(dirname "$0")/.." && pwd)"
root="${1:-$here/.cache/frr10/root}"
mirror="${FRR10_MIRROR:-http://deb.debian.org/debian}"
say() { echo "frr10-root: $*" >&2; }
[ "$(id -u)" -eq 0 ] || { say "needs root (debootstrap, chroot)"; exit 3; }
if [ ! -f "$root/.pelab-complete" ]; then
  command -v debootstrap >/dev/null || { say "needs debootstrap: apt-get install debootstrap"; exit 3; }
  say "building a Debian 13 root with FRR 10 in $root (once; cached)"
  rm -rf "$root.tmp"
  mkdir -p "$(dirname "$root")"
  log="$(dirname "$root")/build.log"
  debootstrap --variant=minbase trixie "$root.tmp" "$mirror" >"$log" 2>&1 || { say "debootstrap failed; see $log"; exit 3; }
  cp /etc/resolv.conf "$root.tmp/etc/resolv.conf"
  if [ -d /usr/local/share/ca-certificates ]; then cp -r /usr/local/share/ca-certificates/. "$root.tmp/usr/local/share/ca-certificates/"; fi
  # apt needs /proc; a private mount namespace takes the mount away again whatever happens.
  unshare --mount --propagation private -- bash -c 'mount -t proc proc "$1/proc" && chroot "$1" /usr/bin/env -i PATH=/usr/sbin:/usr/bin DEBIAN_FRONTEND=noninteractive sh -c "apt-get update -qq && apt-get install -y -qq --no-install-recommends systemd-standalone-sysusers frr frr-pythontools iproute2"' _ "$root.tmp" >>"$log" 2>&1 \
    || { say "installing FRR in the root failed; see $log"; exit 3; }
  touch "$root.tmp/.pelab-complete"
  rm -rf "$root"
  mv "$root.tmp" "$root"
fi
chroot "$root" /usr/lib/frr/zebra --version | head -1
