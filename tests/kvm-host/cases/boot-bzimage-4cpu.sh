. /kvm-host/lib.sh
# Debian's cloud bzImage, 4 vCPU(s), ACPI on.
boot_case "$BZIMAGE" 4
