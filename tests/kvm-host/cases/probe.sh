. /kvm-host/lib.sh
# env-vmm --probe inside the outer guest: KVM opens and runs guest code (status 0,
# accelerated, or 4, emulated: the nested rate sits near the threshold, issue #13); its
# figure is printed for the record. Status 1 (KVM unusable) fails.
"$VMM" --probe
rc=$?
echo "env-vmm --probe exited with $rc"
[ $rc = 0 ] || [ $rc = 4 ] || fail "env-vmm cannot use this guest's /dev/kvm"
