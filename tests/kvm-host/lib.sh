# Sourced by every case (cases/*.sh), inside the outer guest: starts env-vmm with the
# inner kernel and initramfs, follows its console, checks markers. Everything a case
# starts is ended by the EXIT trap.
set -u
VMM=/bin/env-vmm
BZIMAGE=/kernel/vmlinuz
VMLINUX=/kernel/vmlinux
INITRD=/kvm-host/initrd.img
# providers/kvm/README.md's recommended command line.
# run.sh's ENV_PG_CMDLINE_EXTRA is appended (empty in CI).
CMDLINE="console=ttyS0 reboot=k panic=-1 i8042.noaux i8042.nomux i8042.dumbkbd"
CMDLINE="$CMDLINE $(cat /kvm-host/cmdline-extra)"
# A value no earlier run can have left on a disk or in a log.
read NONCE _ < /proc/uptime
NONCE=$$-${NONCE%.*}${NONCE#*.}
VMM_PID=
VMM_RC=
pids=
cleanup() {
    for p in $VMM_PID $pids; do kill -9 "$p" 2> /dev/null; done
    wait 2> /dev/null
}
trap cleanup EXIT

fail() {
    echo "FAIL: $*"
    exit 1
}
now() {
    local up
    read up _ < /proc/uptime
    echo "$up"
}
# Elapsed seconds between uptimes $1 and $2, one decimal.
secs() { awk "BEGIN{printf \"%.1f\", $2 - $1}"; }

# vmm_start LOG ARGS...: env-vmm in the background with ARGS; its console and stderr go to
# LOG, each line prefixed with the outer guest's uptime when it arrived (host time: QEMU's
# TCG clock follows the host's).
vmm_start() {
    local log=$1 fifo
    shift
    fifo=$log.fifo
    rm -f "$fifo" "$log"
    mkfifo "$fifo"
    # The serial console ends lines with CR LF: the CR goes, so patterns can anchor on $.
    (cr=$(printf '\r')
    while IFS= read -r line; do
        read up _ < /proc/uptime
        printf '%s %s\n' "$up" "${line%"$cr"}"
    done < "$fifo" > "$log") &
    pids="$pids $!"
    VMM_T0=$(now)
    "$VMM" "$@" > "$fifo" 2>&1 &
    VMM_PID=$!
    echo "env-vmm $* (pid $VMM_PID)"
}
# wait_for LOG PATTERN SECONDS: until a line of LOG matches the grep -E PATTERN; fails the
# case (with the console's tail) if it does not come, or env-vmm exits first.
wait_for() {
    local deadline
    deadline=$(awk "BEGIN{print $(now) + $3}")
    while ! grep -qE "$2" "$1" 2> /dev/null; do
        if ! kill -0 "$VMM_PID" 2> /dev/null; then
            sleep 0.5 # the reader may still hold the last lines
            grep -qE "$2" "$1" 2> /dev/null && return 0
            show_console "$1"
            fail "env-vmm exited before '$2'"
        fi
        if awk "BEGIN{exit !($(now) > $deadline)}"; then
            show_console "$1"
            fail "no '$2' within $3 s"
        fi
        sleep 0.2
    done
}
# vmm_wait LOG SECONDS: waits for env-vmm to exit; VMM_RC is its status.
vmm_wait() {
    local deadline
    deadline=$(awk "BEGIN{print $(now) + $2}")
    while kill -0 "$VMM_PID" 2> /dev/null; do
        if awk "BEGIN{exit !($(now) > $deadline)}"; then
            show_console "$1"
            fail "env-vmm still running after $2 s"
        fi
        sleep 0.2
    done
    wait "$VMM_PID"
    VMM_RC=$?
    VMM_PID=
    sleep 0.3 # lets the reader write the last lines
    echo "env-vmm exited with $VMM_RC after $(secs "$VMM_T0" "$(now)") s"
}
show_console() {
    echo "--- console ($1), last 60 lines:"
    tail -n 60 "$1" | tr -d '\r'
    echo "---"
}
# has LOG PATTERN: the console has a line matching PATTERN (grep -E).
has() { grep -qE "$2" "$1"; }
# expect LOG PATTERN WHAT: fails the case unless the console has PATTERN.
expect() {
    has "$1" "$2" || {
        show_console "$1"
        fail "$3: no '$2' on the console"
    }
    echo "ok: $3"
}
# Uptime (first field) of the first console line matching PATTERN.
stamp_of() { grep -E "$2" "$1" | head -n1 | cut -d' ' -f1; }
# ctl SOCKET JSON: one request over the control socket; prints the reply line.
ctl() { echo "$2" | socat -t 5 - "UNIX-CONNECT:$1" | head -n1; }

# boot_case KERNEL VCPUS: boots KERNEL (bzImage or the PVH vmlinux) with VCPUS to init with
# ACPI on, checks nproc, that `sleep 1` takes about a second of host time, and that the
# guest's poweroff ends env-vmm with status 0.
boot_case() {
    vmm_start console.log --kernel "$1" --initrd "$INITRD" --vcpus "$2" --memory 256 \
        --cmdline "$CMDLINE pg=boot"
    wait_for console.log 'PG-INIT' 180
    echo "init reached $(secs "$VMM_T0" "$(stamp_of console.log PG-INIT)") s after env-vmm started"
    wait_for console.log 'PG-POWEROFF' 60
    vmm_wait console.log 30
    has console.log 'ACPI: Disabled|ACPI: Interpreter disabled' && fail "the kernel turned ACPI off"
    expect console.log "PG-NPROC $2\\b" "nproc is $2"
    expect console.log 'PG-SLEEP-END' "sleep 1 returned"
    t=$(secs "$(stamp_of console.log PG-SLEEP-START)" "$(stamp_of console.log PG-SLEEP-END)")
    echo "sleep 1 took $t s of host time"
    awk "BEGIN{exit !($t >= 0.9 && $t <= 2.5)}" || fail "sleep 1 took $t s of host time"
    has console.log 'PG-FAIL' && { show_console console.log; fail "the guest reported a failure"; }
    [ "$VMM_RC" = 0 ] || { show_console console.log; fail "poweroff: env-vmm exited with $VMM_RC, not 0"; }
    echo "ok: poweroff -> status 0"
}

# blk_case EXTRA_CMDLINE IRQ_KIND: a raw disk (vda) and a copy-on-write overlay over a base
# (vdb); the guest checks the base's data, writes both with a flush and reads them back;
# env-vmm is then killed with SIGKILL, and the writes must be there: in the raw file, and in
# the overlay when a second env-vmm reads it. The base must not change. IRQ_KIND is the
# /proc/interrupts type the virtio lines must have (PCI-MSI, or IO-APIC with pci=nomsi).
blk_case() {
    dd if=/dev/zero of=raw.img bs=1M count=8 2> /dev/null
    dd if=/dev/zero of=base.img bs=1M count=8 2> /dev/null
    printf 'PG-BASE-DATA' | dd of=base.img conv=notrunc 2> /dev/null
    base_sum=$(sha256sum < base.img)
    vmm_start console.log --kernel "$BZIMAGE" --initrd "$INITRD" \
        --disk raw.img --disk overlay.img,base=base.img --cmdline "$CMDLINE $1 pg=blk pg.nonce=$NONCE"
    wait_for console.log 'PG-FLUSHED' 180
    kill -9 "$VMM_PID"
    wait "$VMM_PID" 2> /dev/null
    VMM_PID=
    sleep 0.3
    has console.log 'PG-FAIL' && { show_console console.log; fail "the guest reported a failure"; }
    expect console.log 'PG-VDA-BYTES 8388608' "vda is the 8 MiB raw disk"
    expect console.log 'PG-BASE-OK' "the overlay shows the base's data"
    expect console.log 'PG-RAW-READBACK-OK' "raw disk read back"
    expect console.log 'PG-COW-READBACK-OK' "overlay read back"
    expect console.log "PG-IRQ .*$2.*virtio" "virtio interrupts are $2"
    if [ "$2" = IO-APIC ]; then
        has console.log 'PG-IRQ .*PCI-MSI' && fail "pci=nomsi, yet MSI vectors are in use"
    fi
    [ "$(dd if=raw.img bs=512 skip=2 count=1 2> /dev/null | tr -d '\0')" = "PG-RAW-$NONCE" ] ||
        fail "the raw image lacks the guest's flushed write after SIGKILL"
    echo "ok: raw write in the image after SIGKILL"
    [ "$(sha256sum < base.img)" = "$base_sum" ] || fail "the base image changed"
    echo "ok: base unchanged"
    vmm_start console2.log --kernel "$BZIMAGE" --initrd "$INITRD" \
        --disk raw.img --disk overlay.img,base=base.img --cmdline "$CMDLINE $1 pg=blk-reread"
    wait_for console2.log 'PG-REREAD' 180
    vmm_wait console2.log 60
    expect console2.log "PG-REREAD vdb0=PG-BASE-DATA vdb4=PG-COW-$NONCE" \
        "the overlay kept the flushed write across SIGKILL"
    [ "$VMM_RC" = 0 ] || fail "poweroff: env-vmm exited with $VMM_RC"
}

# net_case NIC_ARG HOST_ADDR EXTRA_CMDLINE IRQ_KIND SCENARIO: the guest's NIC reaches this
# side (a DHCP lease and the gateway for slirp, a static address for tap), sends a line to
# a listener here on HOST_ADDR:7001, then takes a line this side sends to GUEST_TARGET.
net_case() {
    nc -l -p 7001 > from-guest.txt &
    pids="$pids $!"
    vmm_start console.log --kernel "$BZIMAGE" --initrd "$INITRD" --nic "$1" \
        --cmdline "$CMDLINE $3 pg=$5 pg.nonce=$NONCE"
    wait_for console.log 'PG-LISTENING' 180
    sleep 0.5 # nc -l in the guest starts after the marker
    i=0
    until echo "PG-FROM-HOST-$NONCE" | nc -w 5 $GUEST_TARGET; do
        i=$((i + 1))
        [ $i -lt 5 ] || fail "could not connect to the guest at $GUEST_TARGET"
        sleep 1
    done
    wait_for console.log 'PG-POWEROFF' 60
    vmm_wait console.log 60
    has console.log 'PG-FAIL' && { show_console console.log; fail "the guest reported a failure"; }
    grep -q "PG-TO-HOST-$NONCE" from-guest.txt || { show_console console.log; fail "no line from the guest reached $2:7001"; }
    echo "ok: guest -> host TCP"
    expect console.log "PG-FROM-HOST PG-FROM-HOST-$NONCE" "host -> guest TCP"
    expect console.log "PG-IRQ .*$4.*virtio" "virtio interrupts are $4"
    [ "$VMM_RC" = 0 ] || fail "poweroff: env-vmm exited with $VMM_RC"
}
