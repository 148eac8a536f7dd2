#!/bin/sh
# One proving-ground case as a ctest result: prints the case's log (written inside the outer
# guest by the `kvm_host.proving_ground` fixture, run.sh) and exits 0 (pass), 1 (fail) or
# 77 (skipped, with `SKIPPED: reason`).
# Usage: report.sh RESULTS_DIR CASE
results=$1
c=$2
if [ ! -f "$results/$c.status" ]; then
    echo "FAIL: no result for $c in $results (did the kvm_host.proving_ground fixture run?)"
    exit 1
fi
read -r status secs reason < "$results/$c.status"
[ -f "$results/$c.log" ] && cat "$results/$c.log"
case $status in
pass)
    echo "PASSED in the proving ground (${secs} s)"
    exit 0
    ;;
skip)
    echo "SKIPPED: $reason"
    exit 77
    ;;
*)
    echo "FAIL: ${reason:-failed} (${secs} s in the proving ground)"
    exit 1
    ;;
esac
