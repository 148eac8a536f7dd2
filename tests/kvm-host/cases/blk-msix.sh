. /kvm-host/lib.sh
# virtio-blk with MSI-X (the default).
blk_case "" PCI-MSI
