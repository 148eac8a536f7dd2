. /kvm-host/lib.sh
# Debian's cloud bzImage, 1 vCPU(s), ACPI on.
boot_case "$BZIMAGE" 1
