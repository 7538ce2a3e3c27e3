#!/usr/bin/env bash
# Inside check-fresh's private mount and PID namespaces (see scripts/check-fresh.sh): mounts the
# run's root, makes it the namespace's root and runs the commands. Every mount here vanishes
# with the namespace. pivot_root rather than chroot: pelab enters its daemons' mount namespaces
# with nsenter, and entering a mount namespace resets the root to that namespace's root, which
# after a mere chroot would be the host's.
#   check-fresh-root.sh BASE RUN APT_ARCHIVES NPM_CACHE LAB_NAME "EXTRA PACKAGES"
# After the commands pass, the root's dpkg database is copied to RUN/dpkg (check-fresh keeps it).
set -euo pipefail
base="$1" run="$2" archives="$3" npm_cache="$4" name="$5" extra="$6"
root="$run/root"
mount -t overlay overlay -o "lowerdir=$base,upperdir=$run/upper,workdir=$run/work" "$root"
mount -t proc proc "$root/proc"           # this PID namespace's processes only
mount -t sysfs sysfs "$root/sys"
mount --rbind /dev "$root/dev"
mount -t tmpfs tmpfs "$root/run"          # /run/netns, /run/pelab, FRR's run folders: private
mount -t tmpfs tmpfs "$root/tmp"
# Caches that only save downloads: Debian's .debs and npm's tarballs.
mount --bind "$archives" "$root/var/cache/apt/archives"
mkdir -p "$root/root/.npm"
mount --bind "$npm_cache" "$root/root/.npm"
# Where the passing run leaves its dpkg database for the host (read by the requirement test).
mkdir -p "$run/dpkg" "$root/mnt/dpkg-out"
mount --bind "$run/dpkg" "$root/mnt/dpkg-out"
cp /etc/resolv.conf "$root/etc/resolv.conf"
# The network's own TLS roots (an intercepting egress proxy here), as a machine on this network
# would have them: ca-certificates picks them up when setup installs it.
if [ -d /usr/local/share/ca-certificates ]; then
  mkdir -p "$root/usr/local/share/ca-certificates"
  cp -r /usr/local/share/ca-certificates/. "$root/usr/local/share/ca-certificates/"
fi
mv "$run/clone" "$root/pelab"

# A clean environment, except how this network reaches the internet (proxy, extra TLS roots) and
# which FRR the user asked for (PELAB_FRR=10: setup builds the private FRR 10 root, the demo runs it).
passthrough=()
for v in http_proxy https_proxy no_proxy HTTP_PROXY HTTPS_PROXY NO_PROXY NODE_EXTRA_CA_CERTS PELAB_FRR; do
  [ -z "${!v:-}" ] || passthrough+=("$v=${!v}")
done
cd "$root"
mkdir -p .host
pivot_root . .host
cd /
umount -l /.host
rmdir /.host
in_root() { /usr/bin/env -i HOME=/root TERM=dumb PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin "${passthrough[@]}" "$@"; }

if [ -n "$extra" ]; then
  read -r -a packages <<<"$extra"
  echo "check-fresh: the root already has: ${packages[*]}" >&2
  in_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${packages[@]}" >&2
fi
# The demo first, with only what `make demo-metallb` installs (setup --test adds more). A demo that
# fails or hangs (deadline CHECK_FRESH_DEMO_TIMEOUT s) still lets the requirement step run, so one
# run reports both.
echo "check-fresh: [1/2] make demo-metallb (lab $name)" >&2
demo=0
in_root timeout --kill-after=10 "${CHECK_FRESH_DEMO_TIMEOUT:-600}" make -C /pelab demo-metallb "PELAB_RUN_ARGS=--name $name" || demo=$?
# timeout exits 124 when its TERM ended the demo, 137 when the KILL after it was needed.
case "$demo" in
  0) ;;
  124 | 137) echo "check-fresh: make demo-metallb FAILED: still running after ${CHECK_FRESH_DEMO_TIMEOUT:-600} s (exit $demo)" >&2 ;;
  *) echo "check-fresh: make demo-metallb FAILED (exit $demo)" >&2 ;;
esac
echo "check-fresh: [2/2] requirements: setup --test, then each path's owner and the preflight" >&2
in_root bash /pelab/scripts/setup.sh --test
in_root bash -c 'cd /pelab && exec .tools/node/bin/node node_modules/vitest/vitest.mjs run test/runtime/requirements.test.ts test/runtime/preflight.test.ts test/runtime/frr10-root.test.ts'
# Everything setup installed on this release, for the requirement test's per-release check.
cp -a /var/lib/dpkg/. /mnt/dpkg-out/
exit "$demo"
