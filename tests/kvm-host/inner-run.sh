#!/bin/sh
# Runs inside the outer guest, chrooted into the proving ground's disk: each case named in
# /kvm-host/cases.list, one after another, each under its own timeout, in its own scratch
# directory. /results/CASE.status gets "pass|fail|skip SECONDS [reason]" and CASE.log the
# case's output; both are synced before the next case starts, so a hung outer guest still
# leaves the finished cases' results on the disk.
/bin/busybox --install -s /bin
export PATH=/bin LD_LIBRARY_PATH=/lib/x86_64-linux-gnu HOME=/tmp
timeout_s=$(cat /kvm-host/case-timeout)
read up _ < /proc/uptime
echo "PG-RUN-START $up $(nproc) cpu; /dev/kvm: $(ls -l /dev/kvm 2>&1)"
mkdir -p /results /scratch
for c in $(cat /kvm-host/cases.list); do
    rm -rf "/scratch/$c" && mkdir -p "/scratch/$c"
    read t0 _ < /proc/uptime
    echo "PG-CASE-START $c $t0"
    (cd "/scratch/$c" && exec timeout -s KILL "$timeout_s" sh "/kvm-host/cases/$c.sh") \
        > "/results/$c.log" 2>&1
    rc=$?
    read t1 _ < /proc/uptime
    # The inner guests' consoles (lib.sh's *.log, stamped with this guest's uptime) follow
    # the case's own output, pass or fail: what the kernel said is the evidence.
    for f in "/scratch/$c"/*.log; do
        [ -f "$f" ] || continue
        echo "--- $(basename "$f")"
        cat "$f"
    done >> "/results/$c.log"
    secs=$(awk "BEGIN{printf \"%.1f\", $t1 - $t0}")
    case $rc in
        0) echo "pass $secs" > "/results/$c.status" ;;
        77) echo "skip $secs $(grep '^SKIPPED: ' "/results/$c.log" | tail -n1 | cut -c10-)" \
                > "/results/$c.status" ;;
        137) echo "fail $secs timed out after ${timeout_s} s" > "/results/$c.status" ;;
        *) echo "fail $secs exit status $rc" > "/results/$c.status" ;;
    esac
    # A case cleans up after itself (lib.sh's trap); a case killed by its timeout cannot,
    # so whatever it left running in this throwaway guest is ended before the next starts.
    killall -9 env-vmm socat nc 2>/dev/null
    ip link del pgtap0 2>/dev/null
    rm -rf "/scratch/$c"
    sync
    echo "PG-CASE-END $c $(cat "/results/$c.status")"
done
read up _ < /proc/uptime
echo "PG-RUN-END $up"
