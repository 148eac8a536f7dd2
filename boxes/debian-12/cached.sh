#!/bin/bash
# Prints the catalog of a debian-12 container box, building it only when no box built from
# the same recipe is cached: the e2e tests and .ci/demo use it so that repeated runs skip
# the ~2 minutes of debootstrap.
#   boxes/debian-12/cached.sh [CACHE_DIR]   (default ${XDG_CACHE_HOME:-~/.cache}/env-test-boxes)
# stdout: the path of debian-12.json (add it with `env box add debian-12 PATH`).
# Exit 77 with one line on stderr when this host cannot build it (not root, packages
# missing, the mirror of the host's apt configuration unreachable): callers skip on 77.
# The cache key is a hash of the recipe (build.sh and boxes/lib), so changing the recipe
# builds a new box; older builds are removed.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
. "$here/../lib/apt_sources.sh"

cache=${1:-${XDG_CACHE_HOME:-${HOME:-/root}/.cache}/env-test-boxes}
key=$(cat "$here/build.sh" "$here"/../lib/*.sh | sha256sum | cut -c1-16)
dir=$cache/debian-12-$key
skip() { echo "skip: $*" >&2; exit 77; }

mkdir -p "$cache"
# One build at a time (ctest -j runs the debian and haproxy tests side by side).
exec 9>"$cache/.debian-12.lock"
flock 9
if [ -f "$dir/debian-12.json" ]; then
    echo "$dir/debian-12.json"
    exit 0
fi

[ "$(id -u)" -eq 0 ] || skip "building the debian-12 box needs root (debootstrap)"
for p in debootstrap zstd wget; do
    command -v "$p" >/dev/null || skip "building the debian-12 box needs: apt-get install -y debootstrap zstd"
done
mirror=$(apt_mirror bookworm 2>/dev/null) || skip "the host's apt configuration names no bookworm mirror"
# debootstrap downloads with wget: if wget cannot fetch the suite's Release file, neither can it.
wget -q -T 15 -t 2 -O /dev/null "$mirror/dists/bookworm/Release" ||
    skip "debootstrap cannot reach the bookworm mirror of the host's apt configuration"

rm -rf "$cache"/debian-12-*.tmp
start=$(date +%s)
"$here/build.sh" "$dir.tmp" container >"$cache/debian-12-build.log" 2>&1 || {
    tail -n 20 "$cache/debian-12-build.log" >&2
    echo "error: boxes/debian-12/build.sh failed (log: $cache/debian-12-build.log)" >&2
    exit 1
}
echo "built the debian-12 box in $(($(date +%s) - start)) s" >&2
for old in "$cache"/debian-12-*; do
    [ -d "$old" ] && [ "$old" != "$dir.tmp" ] && rm -rf "$old"
done
mv "$dir.tmp" "$dir"
echo "$dir/debian-12.json"
