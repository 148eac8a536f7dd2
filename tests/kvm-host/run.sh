#!/usr/bin/env bash
# The real-KVM proving ground (issue #13): boots an OUTER Linux guest in QEMU under TCG with
# `-cpu max` (an emulated AMD CPU with SVM and nested paging), so that guest has a real
# /dev/kvm, and runs the named cases (tests/kvm-host/cases/*.sh) inside it against this
# build's env-vmm. Results land in RESULTS_DIR: CASE.status ("pass|fail|skip SECONDS
# [reason]") and CASE.log, plus outer-console.log; report.sh turns one of them into a ctest
# result.
#
# Usage: run.sh ENV_VMM RESULTS_DIR CASE...
# Exit: 0 when the outer guest ran every case (each case's status says how it went),
# 77 when this host cannot run the proving ground (every status is "skip" with the reason),
# 1 when the proving ground itself failed (cases without a result are marked failed).
# Environment: ENV_KERNEL_CACHE (tests/guest/fetch-kernel.sh's cache),
# ENV_PG_CASE_TIMEOUT (seconds per case, 300), ENV_PG_TIMEOUT (seconds for the whole outer
# guest, 3000: CI's budget; cases it leaves unrun fail with "no result"), ENV_PG_CMDLINE_EXTRA (appended to every
# inner kernel's command line, e.g. acpi=off to try the harness on a VMM it fails with).
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
vmm=$1
results=$2
shift 2
cases=("$@")
cache=${ENV_KERNEL_CACHE:-$HOME/.cache/env-test-kernel}
case_timeout=${ENV_PG_CASE_TIMEOUT:-300}
outer_timeout=${ENV_PG_TIMEOUT:-3000}
work=$results/work
mkdir -p "$results"
rm -rf "$results"/*.status "$results"/*.log "$results/SKIPPED" "$work"

# Every case gets the same status line (skip or fail) with the same reason.
mark_all() {
    local c
    for c in "${cases[@]}"; do
        [ -f "$results/$c.status" ] || echo "$1 0 $2" > "$results/$c.status"
    done
}
skip() {
    echo "SKIPPED: $1"
    echo "$1" > "$results/SKIPPED"
    mark_all skip "$1"
    exit 77
}

command -v qemu-system-x86_64 > /dev/null || skip "no qemu-system-x86_64 (Debian package qemu-system-x86)"
for f in vmlinuz vmlinux busybox modules.load modules-host.load; do
    [ -e "$cache/$f" ] || skip "no $cache/$f: run tests/guest/fetch-kernel.sh"
done
for t in mkfs.ext4 debugfs socat; do
    command -v $t > /dev/null || skip "no $t on this host (see .ci/packages)"
done
[ -x "$vmm" ] || { echo "FAIL: $vmm is not built"; mark_all fail "env-vmm not built"; exit 1; }

# Copies ELF $1 and the shared libraries it (and what it loads at run time) needs into the
# disk's tree at the same paths the dynamic linker looks in.
libs_of() { ldd "$1" | awk '/=> \//{print $3} /^\t\/lib64\//{print $1}'; }
copy_with_libs() {
    local l
    cp -L "$1" "$stage/bin/"
    for l in $(libs_of "$1"); do
        case $l in
            */ld-linux-x86-64.so.2) cp -L "$l" "$stage/lib64/" ;;
            *) cp -L "$l" "$stage/lib/x86_64-linux-gnu/" ;;
        esac
    done
}

# The ext4 disk the outer guest chroots into.
stage=$work/stage
mkdir -p "$stage"/{bin,lib/x86_64-linux-gnu,lib64,kernel,kvm-host/cases,results,scratch,proc,sys,dev,tmp,etc}
# busybox's applet links are made inside (`busybox --install`): one process there instead
# of hundreds of ln here, which took 20 s on a busy host.
cp "$cache/busybox" "$stage/bin/busybox"
copy_with_libs "$vmm"
copy_with_libs "$(command -v socat)"
slirp=$(ldconfig -p | awk '/libslirp\.so\.0 .*x86-64/{print $NF; exit}')
[ -n "$slirp" ] || skip "no libslirp.so.0 on this host"
cp -L "$slirp" "$stage/lib/x86_64-linux-gnu/"
for l in $(libs_of "$slirp"); do cp -L "$l" "$stage/lib/x86_64-linux-gnu/"; done
cp "$cache/vmlinuz" "$cache/vmlinux" "$stage/kernel/"
cp "$here/inner-run.sh" "$here/lib.sh" "$stage/kvm-host/"
for c in "${cases[@]}"; do cp "$here/cases/$c.sh" "$stage/kvm-host/cases/"; done
printf '%s\n' "${cases[@]}" > "$stage/kvm-host/cases.list"
echo "$case_timeout" > "$stage/kvm-host/case-timeout"
echo "${ENV_PG_CMDLINE_EXTRA:-}" > "$stage/kvm-host/cmdline-extra"
echo "root:x:0:0:root:/tmp:/bin/sh" > "$stage/etc/passwd"

# The INNER guest's initramfs (what env-vmm boots): busybox, the virtio modules in
# fetch-kernel.sh's load order, guest-init.sh as /init.
ird=$work/initrd
mkdir -p "$ird"/{bin,dev,proc,sys,tmp,root,etc,lib/modules}
cp "$cache/busybox" "$ird/bin/busybox"
cp "$cache"/modules/*.ko "$cache/modules.load" "$ird/lib/modules/"
cp "$here/guest-init.sh" "$ird/init"
cp "$here/udhcpc.script" "$ird/etc/udhcpc.script"
chmod 755 "$ird/init" "$ird/etc/udhcpc.script"
(cd "$ird" && find . | "$cache/busybox" cpio -o -H newc 2> /dev/null) | gzip -1 > "$stage/kvm-host/initrd.img"

# An ext4 root for root=/dev/vda: busybox and an init that reports and powers off. 4 KiB
# blocks, as larger root images have: mkfs picks 1 KiB for so small a file system, and the
# kernel refused that ("EXT4-fs (vda): bad block size 1024") because env-vmm's virtio-blk
# offers BLK_SIZE 4096, which Linux takes as the disk's logical block size.
root=$work/rootfs
mkdir -p "$root"/{bin,sbin,dev,proc,sys,tmp}
cp "$cache/busybox" "$root/bin/busybox"
cp "$here/rootfs-init.sh" "$root/sbin/init"
chmod 755 "$root/sbin/init"
mkfs.ext4 -q -F -b 4096 -L pgroot -d "$root" "$stage/kvm-host/rootfs.img" 32M > /dev/null

# Sparse: the cases' disks and scratch files are made inside, on this disk.
# One outer guest runs every case. If it stalls (the watchdog below), a second one runs,
# once, the cases the first left without a result: a stall is the emulator's, not a
# case's, and should not fail cases that never ran.
for attempt in 1 2; do
    mkfs.ext4 -q -F -L proving-ground -d "$stage" "$work/disk.img" 2G > /dev/null

    # The OUTER guest's initramfs: busybox, virtio-mmio/-blk, kvm-amd, tun, outer-init.sh.
    ord=$work/outer-initrd
    mkdir -p "$ord"/{bin,dev,proc,sys,modules}
    cp "$cache/busybox" "$ord/bin/busybox"
    cp "$cache"/modules-host/*.ko "$ord/modules/"
    cp "$cache/modules-host.load" "$ord/modules.load"
    cp "$here/outer-init.sh" "$ord/init"
    chmod 755 "$ord/init"
    (cd "$ord" && find . | "$cache/busybox" cpio -o -H newc 2> /dev/null) | gzip -1 > "$work/outer-initrd.img"

    # QEMU is the only long-lived process: ended on every way out of this script. $qemu_pid is
    # timeout(1)'s, which passes a TERM on to QEMU; a QEMU that ignores it is killed by its pid.
    qemu_pid= watchdog_pid=
    cleanup() {
        local i=0
        [ -z "$watchdog_pid" ] || kill "$watchdog_pid" 2> /dev/null || true
        [ -n "$qemu_pid" ] || return 0
        kill -TERM "$qemu_pid" 2> /dev/null || true
        while kill -0 "$qemu_pid" 2> /dev/null && [ $i -lt 50 ]; do sleep 0.1; i=$((i + 1)); done
        pkill -KILL -P "$qemu_pid" 2> /dev/null || true
        kill -KILL "$qemu_pid" 2> /dev/null || true
        wait "$qemu_pid" 2> /dev/null || true
    }
    trap cleanup EXIT
    trap 'exit 143' TERM INT HUP

    # The outer kernel cannot calibrate its TSC against the PIT when TCG runs slowly (a busy
    # host): it then marks the TSC unstable and was seen to hang for minutes before the delay
    # loop. TCG's TSC is the host's, so the host's frequency is given (tsc_early_khz=) when the
    # host's TSC is invariant, and tsc=reliable keeps the clocksource watchdog from trading it
    # for jiffies, which lose ticks under TCG (the outer guest's clock then ran at about half
    # the host's speed, and the cases measure time with it).
    # The kernel's own TSC figure when the log is readable ("cpu MHz" is the current clock
    # where the frequency scales), else /proc/cpuinfo's.
    tsc=
    if grep -qw constant_tsc /proc/cpuinfo; then
        mhz=$(dmesg 2> /dev/null | sed -n 's/.*tsc: \(Refined TSC clocksource calibration\|Detected\):* \([0-9.]*\) MHz.*/\2/p' | tail -n1 || true)
        [ -n "$mhz" ] || mhz=$(awk '/^cpu MHz/ {print $4; exit}' /proc/cpuinfo)
        [ -z "$mhz" ] || tsc=$(awk "BEGIN{printf \" tsc_early_khz=%d tsc=reliable\", $mhz * 1000}")
    fi

    # -m 1024, no `quiet`: with -m 2048 or `quiet` the outer kernel was seen to print nothing
    # for minutes (issue #13). The outer guest was also seen, once, to halt with no timer
    # left armed in the middle of a case (QEMU used no CPU for 7 minutes), and once, with
    # nohz=off lapic=notscdeadline tried against that, to spin without progress in a 4-vCPU
    # case on a loaded host; the watchdog below bounds both. cache=unsafe: the disk is thrown away after the run, and the
    # outer guest syncs each result anyway.
    console=$results/outer-console.log
    start=$(date +%s.%N)
    timeout -s KILL "$outer_timeout" qemu-system-x86_64 -M microvm,accel=tcg -cpu max -m 1024 \
        -nographic -no-reboot -nodefaults -serial stdio \
        -kernel "$cache/vmlinuz" -initrd "$work/outer-initrd.img" \
        -append "console=ttyS0 panic=-1 reboot=t$tsc" \
        -drive "file=$work/disk.img,if=none,id=pg,format=raw,cache=unsafe" \
        -device virtio-blk-device,drive=pg \
        < /dev/null > "$console" 2>&1 &
    qemu_pid=$!
    # Stall watchdog. A TCG guest always burns CPU while it works, so QEMU's CPU time standing
    # still for $stall_limit s means the outer guest halted for good; and every case prints to
    # the outer console when it starts and ends, each within $case_timeout s of outer time, so
    # a console silent for $case_timeout + $stall_limit s means the outer guest no longer keeps
    # its own timeouts. Either way QEMU is killed at once: a stall costs minutes, not the whole
    # budget, and the cases that finished keep their results.
    stall_limit=${ENV_PG_STALL_SECONDS:-120}
    (
        last=-1 still=0 size=-1 silent=0
        while kill -0 "$qemu_pid" 2> /dev/null; do
            sleep 10
            qemu=$(pgrep -P "$qemu_pid" | head -n1)  # QEMU itself, timeout(1)'s child
            [ -n "$qemu" ] || continue
            t=$(awk '{print $14 + $15}' "/proc/$qemu/stat" 2> /dev/null) || break
            if [ "$t" = "$last" ]; then still=$((still + 10)); else still=0 last=$t; fi
            s=$(stat -c %s "$console" 2> /dev/null || echo 0)
            if [ "$s" = "$size" ]; then silent=$((silent + 10)); else silent=0 size=$s; fi
            why=
            [ "$still" -lt "$stall_limit" ] || why="QEMU used no CPU for ${still} s"
            [ "$silent" -lt $((case_timeout + stall_limit)) ] ||
                why="the outer console was silent for ${silent} s"
            if [ -n "$why" ]; then
                echo "PG-HOST-STALL $why; killed" >> "$console"
                kill -KILL "$qemu" 2> /dev/null
                break
            fi
        done
    ) &
    watchdog_pid=$!
    set +e
    wait "$qemu_pid"
    qemu_rc=$?
    set -e
    qemu_pid=
    kill "$watchdog_pid" 2> /dev/null || true
    wait "$watchdog_pid" 2> /dev/null || true
    watchdog_pid=
    end=$(date +%s.%N)
    echo "outer guest: QEMU exited with $qemu_rc after $(awk "BEGIN{printf \"%.1f\", $end - $start}") s"
    grep -E '^PG-(OUTER|RUN|CASE)' "$console" | tr -d '\r' || true

    rm -rf "$work/results"  # debugfs does not write into an existing directory
    debugfs -R "rdump /results $work" "$work/disk.img" > /dev/null 2>&1 || true
    cp "$work"/results/* "$results/" 2> /dev/null || true
    grep -q PG-HOST-STALL "$console" || break
    remaining=()
    for c in "${cases[@]}"; do [ -f "$results/$c.status" ] || remaining+=("$c"); done
    [ "$attempt" -eq 1 ] && [ ${#remaining[@]} -gt 0 ] || break
    echo "outer guest stalled; running again, once: ${remaining[*]}"
    mv "$console" "$results/outer-console-stalled.log"
    printf '%s\n' "${remaining[@]}" > "$stage/kvm-host/cases.list"
done
status=0
if [ "$qemu_rc" -ne 0 ] || ! grep -q '^PG-RUN-END' "$console"; then
    reason="the outer guest did not finish (QEMU status $qemu_rc, timeout ${outer_timeout} s)"
    grep -q PG-HOST-STALL "$console" &&
        reason="the outer guest stalled ($(sed -n 's/^PG-HOST-STALL \(.*\); killed.*/\1/p' "$console" | head -n1))"
    grep -q PG-OUTER-NO-KVM "$console" && reason="the outer guest has no /dev/kvm"
    grep -q PG-OUTER-NO-DISK "$console" && reason="the outer guest could not mount its disk"
    echo "FAIL: $reason; its console:"
    tail -n 40 "$console"
    mark_all fail "$reason (see outer-console.log)"
    status=1
fi
mark_all fail "no result from the outer guest"
rm -rf "$work"
exit $status
