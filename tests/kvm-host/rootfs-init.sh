#!/bin/busybox sh
# /sbin/init of the ext4 root the root=/dev/vda case boots (after the initramfs's
# switch_root): says which filesystem / is, proves it is writable, powers off.
/bin/busybox --install -s /bin
export PATH=/bin
mount -t proc proc /proc
echo "PG-ROOT $(awk '$2 == "/" {print $1, $3}' /proc/mounts | tail -n1)"
echo written > /rootfs-was-here && sync && echo "PG-ROOT-WRITABLE"
poweroff -f
