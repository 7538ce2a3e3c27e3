#!/usr/bin/env bash
# make check-fresh: the README's commands on a fresh Debian 12 (or 13), as a new user would run them.
# A minimal Debian root of CHECK_FRESH_SUITE (bookworm, the default, or trixie; debootstrap
# --variant=minbase, plus make, which the commands need) is built once and cached under
# .cache/check-fresh/<suite>-minbase (git-ignored). Each run puts an overlay on
# it, copies in a clean clone of CHECK_FRESH_REF (default HEAD: committed work only) and, in
# private mount and PID namespaces, chroots there and runs:
#   1. make demo-metallb          setup installs everything, then the demo must pass (within
#                                 CHECK_FRESH_DEMO_TIMEOUT s, default 600)
#   2. scripts/setup.sh --test    then the requirement tests: every path the preflight needs is
#                                 owned by the package the list names, with only what setup installed
# Both steps run even when the first fails; the check passes when both do.
# The PID namespace ends every process the run started when it ends; the mount namespace takes
# every mount with it; the overlay's upper layer is removed. Nothing touches the host's /run.
#   CHECK_FRESH_REF=84dbd9b make check-fresh      an older commit (expected to fail)
#   CHECK_FRESH_EXTRA="nodejs npm" ...            Debian packages the "fresh" machine already has
#   CHECK_FRESH_KEEP=1                            keep the run's root for a look afterwards
#   CHECK_FRESH_SUITE=trixie make check-fresh     the same on a fresh Debian 13 (its FRR is 10.3)
#   PELAB_FRR=10 make check-fresh                 as a user asking for FRR 10: on Debian 12 setup builds
#                                                 the private FRR 10 root inside the fresh root, the demo runs it
# After the requirement step passes, the root's dpkg database (everything setup installed) is kept in
# .cache/check-fresh/<suite>-dpkg: test/runtime/requirements.test.ts checks the list's
# per-release packages against it.
set -euo pipefail
here="$(cd "$(dirname "$0")/.." && pwd)"
ref="${CHECK_FRESH_REF:-HEAD}"
cache="${CHECK_FRESH_CACHE:-$here/.cache/check-fresh}"
mirror="${CHECK_FRESH_MIRROR:-http://deb.debian.org/debian}"
suite="${CHECK_FRESH_SUITE:-bookworm}"
say() { echo "check-fresh: $*" >&2; }
case "$suite" in
  bookworm) debian="Debian 12" ;;
  trixie) debian="Debian 13" ;;
  *) say "CHECK_FRESH_SUITE: bookworm or trixie, not \"$suite\""; exit 2 ;;
esac
base="$cache/$suite-minbase"

[ "$(id -u)" -eq 0 ] || { say "needs root (debootstrap, chroot, mounts)"; exit 2; }
command -v debootstrap >/dev/null || { say "needs debootstrap: apt-get install debootstrap"; exit 2; }
commit="$(git -C "$here" rev-parse --verify "$ref^{commit}")" || { say "no such commit: $ref"; exit 2; }

if [ ! -f "$base/.pelab-complete" ]; then
  say "building a minimal $debian root in $base (once; cached)"
  rm -rf "$base.tmp"
  mkdir -p "$cache"
  debootstrap --variant=minbase --include=make "$suite" "$base.tmp" "$mirror" >"$cache/debootstrap-$suite.log" 2>&1 \
    || { say "debootstrap failed; see $cache/debootstrap-$suite.log"; exit 3; }
  # A freshly installed machine has its package lists; the root's own apt fetches them once here.
  cp /etc/resolv.conf "$base.tmp/etc/resolv.conf"
  chroot "$base.tmp" apt-get update -qq || { say "apt-get update in the root failed"; exit 3; }
  touch "$base.tmp/.pelab-complete"
  rm -rf "$base"
  mv "$base.tmp" "$base"
fi

run="$(mktemp -d "$cache/run.XXXXXX")"
cleanup() {
  if [ -n "${CHECK_FRESH_KEEP:-}" ]; then say "kept $run"; else rm -rf "$run"; fi
}
trap cleanup EXIT
# Downloaded .debs are cached per suite (bookworm's and trixie's differ); npm tarballs are shared.
archives="$cache/apt-archives-$suite"
mkdir -p "$run/upper" "$run/work" "$run/root" "$archives" "$cache/npm"
git clone --quiet --no-checkout "$here" "$run/clone"
git -C "$run/clone" -c advice.detachedHead=false checkout --quiet --detach "$commit"
# A lab instance name of its own, so nothing here meets another lab on this machine.
name="chk-$(basename "$run" | tr -dc 'a-z0-9' | tail -c 8)"
say "commit $(git -C "$here" log -1 --format='%h %s' "$commit")"
started=$SECONDS
set +e
unshare --mount --pid --fork --propagation private -- \
  bash "$here/scripts/check-fresh-root.sh" "$base" "$run" "$archives" "$cache/npm" "$name" "${CHECK_FRESH_EXTRA:-}"
status=$?
set -e
# The requirement step passed (even where the demo did not): keep what setup installed there.
if [ -f "$run/dpkg/status" ]; then rm -rf "$cache/$suite-dpkg" && mv "$run/dpkg" "$cache/$suite-dpkg"; fi
if [ "$status" -eq 0 ]; then
  say "PASS: a fresh $debian root${PELAB_FRR:+ with PELAB_FRR=$PELAB_FRR} ran the README's commands at $(git -C "$here" rev-parse --short "$commit") ($((SECONDS - started)) s)"
else
  say "FAIL (exit $status) on $debian${PELAB_FRR:+ with PELAB_FRR=$PELAB_FRR} at $(git -C "$here" rev-parse --short "$commit") ($((SECONDS - started)) s)"
  status=1   # a failed check, whatever failed inside
fi
exit "$status"
