#!/bin/busybox sh
# /init of the INNER guest: Debian's cloud kernel on env-vmm. Loads the virtio modules, then
# plays the scenario named by `pg=` on the kernel command line and prints PG-* markers the
# case (cases/*.sh, outside on the console) checks. Ends with a power-off unless the
# scenario says otherwise; a marker PG-FAIL says what went wrong inside.
/bin/busybox --install -s /bin
export PATH=/bin
mount -t proc proc /proc
mount -t sysfs sys /sys
mount -t devtmpfs dev /dev
arg() { tr ' ' '\n' < /proc/cmdline | sed -n "s/^$1=//p" | tail -n1; }
scenario=$(arg pg)
nonce=$(arg pg.nonce)
echo "PG-INIT $scenario"
for m in $(cat /lib/modules/modules.load); do
    insmod "/lib/modules/$m" || echo "PG-FAIL insmod $m"
done
echo "PG-NPROC $(nproc)"
# Block devices, NICs and the rng show up once their drivers probe; wait a little.
settle() {
    local i=0
    while [ ! -e "$1" ] && [ $i -lt 50 ]; do sleep 0.1; i=$((i + 1)); done
    [ -e "$1" ] || echo "PG-FAIL no $1"
}
irqs() { grep virtio /proc/interrupts | tr -s ' ' | sed 's/^/PG-IRQ /'; }
# $1: device, $2: sector, $3: text. Writes with O_SYNC|fsync (a flush) and reads it back
# from the device with the page cache dropped.
write_sector() {
    printf '%s' "$3" | dd of="$1" bs=512 seek="$2" conv=fsync,sync 2> /dev/null || echo "PG-FAIL write $1"
}
read_sector() { dd if="$1" bs=512 skip="$2" count=1 2> /dev/null | tr -d '\0'; }

case $scenario in
boot)
    echo "PG-SLEEP-START"
    sleep 1
    echo "PG-SLEEP-END"
    ;;
reboot)
    echo "PG-REBOOTING"
    reboot -f
    ;;
blk)
    settle /dev/vda
    settle /dev/vdb
    echo "PG-VDA-BYTES $(blockdev --getsize64 /dev/vda)"
    [ "$(read_sector /dev/vdb 0)" = "PG-BASE-DATA" ] && echo "PG-BASE-OK"
    write_sector /dev/vda 2 "PG-RAW-$nonce"
    write_sector /dev/vdb 4 "PG-COW-$nonce"
    echo 3 > /proc/sys/vm/drop_caches
    [ "$(read_sector /dev/vda 2)" = "PG-RAW-$nonce" ] && echo "PG-RAW-READBACK-OK"
    [ "$(read_sector /dev/vdb 4)" = "PG-COW-$nonce" ] && echo "PG-COW-READBACK-OK"
    irqs
    # Both writes were flushed: the case kills env-vmm with SIGKILL now.
    echo "PG-FLUSHED"
    while :; do sleep 10; done
    ;;
blk-reread)
    settle /dev/vdb
    echo "PG-REREAD vdb0=$(read_sector /dev/vdb 0) vdb4=$(read_sector /dev/vdb 4)"
    ;;
net)
    settle /sys/class/net/eth0
    ip link set lo up
    ip link set eth0 up
    # -s: Debian's busybox looks for its hook in /etc/udhcpc/, not where the initramfs has it.
    if udhcpc -i eth0 -s /etc/udhcpc.script -n -q -t 10 -T 1 > /tmp/udhcpc.log 2>&1; then
        echo "PG-DHCP-OK $(ip -4 -o addr show eth0 | awk '{print $4}')"
    else
        echo "PG-FAIL dhcp"
    fi
    sed 's/^/PG-DHCP-LOG /' /tmp/udhcpc.log
    ping -c 1 -W 5 10.0.2.2 > /dev/null 2>&1 && echo "PG-PING-GATEWAY-OK"
    irqs
    # Guest -> host: slirp's gateway 10.0.2.2 is the host's loopback.
    echo "PG-TO-HOST-$nonce" | nc -w 5 10.0.2.2 7001 && echo "PG-SENT-TO-HOST"
    # Host -> guest, through the forward to port 7002: the case connects after this line.
    echo "PG-LISTENING"
    nc -l -p 7002 -w 30 > /tmp/in && echo "PG-FROM-HOST $(cat /tmp/in)"
    ;;
tap)
    settle /sys/class/net/eth0
    ip link set eth0 up
    ip addr add 10.99.0.2/24 dev eth0
    ping -c 1 -W 5 10.99.0.1 > /dev/null 2>&1 && echo "PG-PING-TAP-OK"
    irqs
    echo "PG-TO-HOST-$nonce" | nc -w 5 10.99.0.1 7001 && echo "PG-SENT-TO-HOST"
    echo "PG-LISTENING"
    nc -l -p 7002 -w 30 > /tmp/in && echo "PG-FROM-HOST $(cat /tmp/in)"
    ;;
rng)
    settle /sys/class/misc/hw_random/rng_current
    echo "PG-RNG-CURRENT $(cat /sys/class/misc/hw_random/rng_current)"
    n=$(dd if=/dev/hwrng bs=32 count=1 2> /dev/null | wc -c)
    echo "PG-HWRNG-BYTES $n"
    irqs
    ;;
shutdown | ticks)
    # Ctrl-Alt-Del (the control socket's `shutdown`) sends SIGINT to init once the kernel
    # is told not to reboot by itself.
    echo 0 > /proc/sys/kernel/ctrl-alt-del
    trap 'echo "PG-GOT-SIGINT"; sync; poweroff -f' INT
    echo "PG-READY"
    i=0
    while :; do
        [ "$scenario" = ticks ] && echo "PG-TICK $i"
        i=$((i + 1))
        sleep 0.5
    done
    ;;
console)
    echo "PG-SHELL"
    exec sh -i
    ;;
rootfs)
    # What Debian's initramfs does with root=: mount it, switch to it.
    root=$(arg root)
    settle "$root"
    mount -t ext4 "$root" /root || echo "PG-FAIL mount $root"
    umount /proc /sys /dev
    exec switch_root /root /sbin/init
    ;;
*)
    echo "PG-FAIL unknown scenario '$scenario'"
    ;;
esac
echo "PG-POWEROFF"
poweroff -f
