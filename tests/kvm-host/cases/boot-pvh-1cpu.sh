. /kvm-host/lib.sh
# The same kernel uncompressed (vmlinux), booted through its PVH entry, 1 vCPU(s).
boot_case "$VMLINUX" 1
