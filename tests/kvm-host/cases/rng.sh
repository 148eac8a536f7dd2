. /kvm-host/lib.sh
# virtio-rng is the guest's current hardware RNG and gives bytes.
vmm_start console.log --kernel "$BZIMAGE" --initrd "$INITRD" --cmdline "$CMDLINE pg=rng"
wait_for console.log 'PG-POWEROFF' 180
vmm_wait console.log 60
expect console.log 'PG-RNG-CURRENT virtio_rng' "rng_current is virtio_rng"
expect console.log 'PG-HWRNG-BYTES 32' "/dev/hwrng gives 32 bytes"
[ "$VMM_RC" = 0 ] || fail "poweroff: env-vmm exited with $VMM_RC"
