. /kvm-host/lib.sh
# virtio-blk with INTx: the guest is told not to use MSI.
blk_case pci=nomsi IO-APIC
