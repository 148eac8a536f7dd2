. /kvm-host/lib.sh
# virtio-net over slirp with INTx (pci=nomsi): DHCP lease, the gateway answers ping, TCP both ways
# (guest -> 10.0.2.2:7001 is this side's loopback; this side -> 127.0.0.1:7102 is forwarded
# to the guest's port 7002).
GUEST_TARGET="127.0.0.1 7102"
net_case slirp,forward=tcp:127.0.0.1:7102-7002 127.0.0.1 pci=nomsi IO-APIC net
expect console.log 'PG-DHCP-OK 10\.0\.2\.15/24' "DHCP lease 10.0.2.15/24"
expect console.log 'PG-PING-GATEWAY-OK' "the gateway answers ping"
