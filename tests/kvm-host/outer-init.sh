#!/bin/busybox sh
# /init of the OUTER guest (QEMU under TCG, whose `-cpu max` offers SVM with nested paging):
# loads virtio-mmio/-blk and kvm-amd, mounts the proving ground's ext4 disk (built by
# run.sh: env-vmm and its libraries, busybox, socat, the kernels, the cases) and runs
# inner-run.sh chrooted into it. Whatever happens, it powers the machine off: a shell
# that returns from here would make the kernel panic, and QEMU runs with -no-reboot.
/bin/busybox --install -s /bin
export PATH=/bin
mount -t proc proc /proc
mount -t sysfs sys /sys
mount -t devtmpfs dev /dev
read up _ < /proc/uptime
echo "PG-OUTER-INIT $up"
for m in $(cat /modules.load); do
    insmod "/modules/$m" || echo "PG-OUTER-INSMOD-FAILED $m"
done
# The cases talk to slirp's forwards and listen for the inner guests on 127.0.0.1.
ip link set lo up
dmesg | grep -E 'Nested (Virtualization|Paging)' | sed 's/^/PG-OUTER-DMESG /'
[ -c /dev/kvm ] || echo "PG-OUTER-NO-KVM"
# virtio-mmio probes asynchronously: give the disk up to 20 s to appear.
i=0
while [ ! -b /dev/vda ] && [ $i -lt 100 ]; do sleep 0.2; i=$((i + 1)); done
mkdir -p /pg
if mount -t ext4 /dev/vda /pg; then
    mount -t proc proc /pg/proc
    mount -t sysfs sys /pg/sys
    mount -t devtmpfs dev /pg/dev
    mount -t tmpfs -o size=256m tmp /pg/tmp
    chroot /pg /bin/busybox sh /kvm-host/inner-run.sh
    # Anything a case left behind (a VMM stuck in the kernel) would keep /pg busy.
    kill -9 -1
    sleep 1
    sync
    umount /pg/tmp /pg/dev /pg/sys /pg/proc
    umount /pg || mount -o remount,ro /pg
else
    echo "PG-OUTER-NO-DISK"
fi
sync
read up _ < /proc/uptime
echo "PG-OUTER-DONE $up"
poweroff -f
