#!/bin/sh
# Fetches Debian's cloud kernel (the package behind linux-image-cloud-amd64), the virtio
# modules from the same package (virtio-pci, -blk, -net, -rng and what they depend on, in
# load order in modules.load) and a static busybox into a cache directory WITHOUT
# installing anything on the host: `apt-get download` then `dpkg-deb -x`. The unit and integration tests that need a real kernel look in
# ${ENV_KERNEL_CACHE:-$HOME/.cache/env-test-kernel} and skip with a plain message when it is empty.
# Usage: tests/guest/fetch-kernel.sh [CACHE_DIR]
set -eu
cache=${1:-${ENV_KERNEL_CACHE:-$HOME/.cache/env-test-kernel}}
mkdir -p "$cache"
cd "$cache"
# The meta package only depends on the versioned image package; resolve it.
pkg=$(apt-cache depends linux-image-cloud-amd64 | sed -n 's/^ *Depends: \(linux-image-[0-9].*-cloud-amd64\)$/\1/p' | head -n1)
[ -n "$pkg" ] || { echo "fetch-kernel: cannot resolve linux-image-cloud-amd64 (apt-get update?)" >&2; exit 1; }
# Copies module $1 (and first, recursively, its depends= from .modinfo) into modules/ and
# appends it to modules.load.tmp; built-in modules have no file and are skipped.
add_module() {
    local f name dash dep  # dash and busybox sh have local; the recursion needs it
    case " $loaded " in *" $1 "*) return 0 ;; esac
    loaded="$loaded $1"
    dash=$(echo "$1" | tr _ -)
    f=$(find "$kdir/kernel" \( -name "$1.ko*" -o -name "$dash.ko*" \) | head -n1)
    [ -n "$f" ] || return 0
    name=$(basename "$f" | sed 's/\.ko.*$/.ko/')
    case "$f" in
        *.ko.xz) xz -dc "$f" > "modules/$name" ;;
        *.ko.zst) zstd -qdc "$f" > "modules/$name" ;;
        *) cp "$f" "modules/$name" ;;
    esac
    objcopy -O binary --only-section=.modinfo "modules/$name" modinfo.tmp
    for dep in $(tr '\0' '\n' < modinfo.tmp | sed -n 's/^depends=//p' | tr , ' '); do add_module "$dep"; done
    echo "$name" >> modules.load.tmp
}
if [ ! -f vmlinuz ] || [ ! -f modules.load ]; then
    rm -rf deb x modules modules.load.tmp && mkdir deb x modules
    (cd deb && apt-get download "$pkg")
    dpkg-deb -x deb/*.deb x
    cp x/boot/vmlinuz-* vmlinuz
    kdir=$(echo x/lib/modules/*)
    loaded=""
    for m in virtio_pci virtio_blk virtio_net virtio_rng; do add_module "$m"; done
    rm -f modinfo.tmp
    mv modules.load.tmp modules.load
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
echo "fetch-kernel: $cache/vmlinuz ($pkg), $cache/busybox, $(wc -l < modules.load) modules in $cache/modules"
