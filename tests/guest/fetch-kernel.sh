#!/bin/sh
# Fetches Debian's cloud kernel (the package behind linux-image-cloud-amd64), the virtio
# modules from the same package (virtio-pci, -blk, -net, -rng and what they depend on, in
# load order in modules.load) and a static busybox into a cache directory WITHOUT
# installing anything on the host: `apt-get download` then `dpkg-deb -x`. For the real-KVM
# proving ground (tests/kvm-host/) it also keeps the same kernel uncompressed (vmlinux, the
# ELF a PVH boot takes; the package ships only the bzImage) and, in modules-host/ with
# their order in modules-host.load, what the OUTER guest loads: virtio-mmio and virtio-blk
# (QEMU microvm's disks), kvm-amd (nested SVM) and tun (the tap backend). The unit and integration tests that need a real kernel look in
# ${ENV_KERNEL_CACHE:-$HOME/.cache/env-test-kernel} and skip with a plain message when it is empty.
# Usage: tests/guest/fetch-kernel.sh [CACHE_DIR]
set -eu
cache=${1:-${ENV_KERNEL_CACHE:-$HOME/.cache/env-test-kernel}}
mkdir -p "$cache"
cd "$cache"
# The meta package only depends on the versioned image package; resolve it.
pkg=$(apt-cache depends linux-image-cloud-amd64 | sed -n 's/^ *Depends: \(linux-image-[0-9].*-cloud-amd64\)$/\1/p' | head -n1)
[ -n "$pkg" ] || { echo "fetch-kernel: cannot resolve linux-image-cloud-amd64 (apt-get update?)" >&2; exit 1; }
# Copies module $1 (and first, recursively, its depends= from .modinfo) into $moddir/ and
# appends it to $moddir.load.tmp; built-in modules have no file and are skipped.
add_module() {
    local f name dash dep  # dash and busybox sh have local; the recursion needs it
    case " $loaded " in *" $1 "*) return 0 ;; esac
    loaded="$loaded $1"
    dash=$(echo "$1" | tr _ -)
    f=$(find "$kdir/kernel" \( -name "$1.ko*" -o -name "$dash.ko*" \) | head -n1)
    [ -n "$f" ] || return 0
    name=$(basename "$f" | sed 's/\.ko.*$/.ko/')
    case "$f" in
        *.ko.xz) xz -dc "$f" > "$moddir/$name" ;;
        *.ko.zst) zstd -qdc "$f" > "$moddir/$name" ;;
        *) cp "$f" "$moddir/$name" ;;
    esac
    objcopy -O binary --only-section=.modinfo "$moddir/$name" modinfo.tmp
    for dep in $(tr '\0' '\n' < modinfo.tmp | sed -n 's/^depends=//p' | tr , ' '); do add_module "$dep"; done
    echo "$name" >> "$moddir.load.tmp"
}
# $1: a directory name, then the modules to copy into it (with what they depend on).
add_modules() {
    moddir=$1 loaded=""
    shift
    rm -rf "$moddir" "$moddir.load.tmp" && mkdir "$moddir"
    for m in "$@"; do add_module "$m"; done
    mv "$moddir.load.tmp" "$moddir.load"
}
# The uncompressed kernel inside bzImage $1, written to $2: the setup header's
# payload_offset and payload_length (boot protocol 2.08+) locate the compressed payload
# after the setup sectors; its magic says which decompressor (Debian 12's is LZ4). The
# payload's last 4 bytes are the uncompressed size the kernel build appends, which the
# decompressors would take for a damaged stream: they are left out.
extract_vmlinux() {
    local setup off len magic
    setup=$(od -An -tu1 -j 497 -N1 "$1" | tr -d ' ')
    [ "$setup" -ne 0 ] || setup=4
    off=$(od -An -tu4 -j 584 -N4 "$1" | tr -d ' ')
    len=$(($(od -An -tu4 -j 588 -N4 "$1" | tr -d ' ') - 4))
    off=$(((setup + 1) * 512 + off))
    magic=$(od -An -tx1 -j "$off" -N4 "$1" | tr -d ' ')
    case "$magic" in
        02214c18) tail -c +$((off + 1)) "$1" | head -c "$len" | lz4 -dc > "$2.tmp" ;;
        28b52ffd) tail -c +$((off + 1)) "$1" | head -c "$len" | zstd -qdc > "$2.tmp" ;;
        fd377a58) tail -c +$((off + 1)) "$1" | head -c "$len" | xz -dc > "$2.tmp" ;;
        1f8b08*) tail -c +$((off + 1)) "$1" | head -c "$len" | gzip -dc > "$2.tmp" ;;
        *) echo "fetch-kernel: unknown compression (magic $magic) in $1" >&2; return 1 ;;
    esac
    mv "$2.tmp" "$2"
}
if [ ! -f vmlinuz ] || [ ! -f modules.load ] || [ ! -f modules-host.load ] || [ ! -f vmlinux ]; then
    rm -rf deb x && mkdir deb x
    (cd deb && apt-get download "$pkg")
    dpkg-deb -x deb/*.deb x
    cp x/boot/vmlinuz-* vmlinuz
    kdir=$(echo x/lib/modules/*)
    add_modules modules virtio_pci virtio_blk virtio_net virtio_rng
    add_modules modules-host virtio_mmio virtio_blk kvm_amd tun
    rm -f modinfo.tmp
    extract_vmlinux vmlinuz vmlinux
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
echo "fetch-kernel: $cache/vmlinuz and vmlinux ($pkg), $cache/busybox, $(wc -l < modules.load) modules in $cache/modules, $(wc -l < modules-host.load) in $cache/modules-host"
