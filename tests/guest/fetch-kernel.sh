#!/bin/sh
# Fetches Debian's cloud kernel (the package behind linux-image-cloud-amd64) and a static
# busybox into a cache directory WITHOUT installing anything on the host: `apt-get download`
# then `dpkg-deb -x`. The unit and integration tests that need a real kernel look in
# ${ENV_KERNEL_CACHE:-$HOME/.cache/env-test-kernel} and skip with a plain message when it is empty.
# Usage: tests/guest/fetch-kernel.sh [CACHE_DIR]
set -eu
cache=${1:-${ENV_KERNEL_CACHE:-$HOME/.cache/env-test-kernel}}
mkdir -p "$cache"
cd "$cache"
# The meta package only depends on the versioned image package; resolve it.
pkg=$(apt-cache depends linux-image-cloud-amd64 | sed -n 's/^ *Depends: \(linux-image-[0-9].*-cloud-amd64\)$/\1/p' | head -n1)
[ -n "$pkg" ] || { echo "fetch-kernel: cannot resolve linux-image-cloud-amd64 (apt-get update?)" >&2; exit 1; }
if [ ! -f vmlinuz ]; then
    rm -rf deb x && mkdir deb x
    (cd deb && apt-get download "$pkg")
    dpkg-deb -x deb/*.deb x
    cp x/boot/vmlinuz-* vmlinuz
    rm -rf deb x
fi
if [ ! -f busybox ]; then
    rm -rf deb x && mkdir deb x
    (cd deb && apt-get download busybox-static)
    dpkg-deb -x deb/*.deb x
    cp x/bin/busybox busybox
    rm -rf deb x
fi
echo "$pkg" > kernel-package
echo "fetch-kernel: $cache/vmlinuz ($pkg), $cache/busybox"
