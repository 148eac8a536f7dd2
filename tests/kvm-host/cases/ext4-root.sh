. /kvm-host/lib.sh
# root=/dev/vda: an ext4 image (run.sh's rootfs.img, made with mkfs.ext4 -d) mounted as the
# root and written to; the write is in the image afterwards.
cp /kvm-host/rootfs.img root.img
vmm_start console.log --kernel "$BZIMAGE" --initrd "$INITRD" --disk root.img \
    --cmdline "$CMDLINE root=/dev/vda pg=rootfs"
wait_for console.log 'PG-ROOT ' 180
vmm_wait console.log 60
expect console.log 'PG-ROOT /dev/vda ext4' "/ is /dev/vda, ext4"
expect console.log 'PG-ROOT-WRITABLE' "the root is writable"
[ "$VMM_RC" = 0 ] || fail "poweroff: env-vmm exited with $VMM_RC"
