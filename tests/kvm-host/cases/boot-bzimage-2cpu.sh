. /kvm-host/lib.sh
# Debian's cloud bzImage, 2 vCPU(s), ACPI on.
boot_case "$BZIMAGE" 2
