#!/usr/bin/env bash
# Inside check-fresh's private mount and PID namespaces (see scripts/check-fresh.sh): mounts the
# run's root, makes it the namespace's root and runs the commands. Every mount here vanishes
# with the namespace. pivot_root rather than chroot: pelab enters its daemons' mount namespaces
# with nsenter, and entering a mount namespace resets the root to that namespace's root, which
# after a mere chroot would be the host's.
#   check-fresh-root.sh BASE RUN CACHE LAB_NAME "EXTRA PACKAGES"
set -euo pipefail
base="$1" run="$2" cache="$3" name="$4" extra="$5"
root="$run/root"
mount -t overlay overlay -o "lowerdir=$base,upperdir=$run/upper,workdir=$run/work" "$root"
mount -t proc proc "$root/proc"           # this PID namespace's processes only
mount -t sysfs sysfs "$root/sys"
mount --rbind /dev "$root/dev"
mount -t tmpfs tmpfs "$root/run"          # /run/netns, /run/pelab, FRR's run folders: private
mount -t tmpfs tmpfs "$root/tmp"
# Caches that only save downloads: Debian's .debs and npm's tarballs.
mount --bind "$cache/apt-archives" "$root/var/cache/apt/archives"
mkdir -p "$root/root/.npm"
mount --bind "$cache/npm" "$root/root/.npm"
cp /etc/resolv.conf "$root/etc/resolv.conf"
# The network's own TLS roots (an intercepting egress proxy here), as a machine on this network
# would have them: ca-certificates picks them up when setup installs it.
if [ -d /usr/local/share/ca-certificates ]; then
  mkdir -p "$root/usr/local/share/ca-certificates"
  cp -r /usr/local/share/ca-certificates/. "$root/usr/local/share/ca-certificates/"
fi
mv "$run/clone" "$root/pelab"

# A clean environment, except how this network reaches the internet (proxy, extra TLS roots).
passthrough=()
for v in http_proxy https_proxy no_proxy HTTP_PROXY HTTPS_PROXY NO_PROXY NODE_EXTRA_CA_CERTS; do
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
echo "check-fresh: [1/2] make demo-metallb (lab $name)" >&2
in_root make -C /pelab demo-metallb "PELAB_RUN_ARGS=--name $name"
echo "check-fresh: [2/2] requirements: setup --test, then each path's owner and the preflight" >&2
in_root bash /pelab/scripts/setup.sh --test
in_root bash -c 'cd /pelab && exec .tools/node/bin/node node_modules/vitest/vitest.mjs run test/runtime/requirements.test.ts test/runtime/preflight.test.ts'
