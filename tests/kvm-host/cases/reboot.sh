. /kvm-host/lib.sh
# `reboot -f` in the guest (the i8042 reset line, reboot=k) ends env-vmm with status 10.
vmm_start console.log --kernel "$BZIMAGE" --initrd "$INITRD" --cmdline "$CMDLINE pg=reboot"
wait_for console.log 'PG-REBOOTING' 180
vmm_wait console.log 60
[ "$VMM_RC" = 10 ] || { show_console console.log; fail "reboot: env-vmm exited with $VMM_RC, not 10"; }
echo "ok: reboot -> status 10"
