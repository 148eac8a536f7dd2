. /kvm-host/lib.sh
# virtio-net over a tap device in this (outer) guest, 10.99.0.1/24 here and 10.99.0.2 in
# the inner guest: ping and TCP both ways.
tunctl -t pgtap0 > /dev/null || fail "cannot create tap pgtap0"
trap 'cleanup; ip link del pgtap0 2> /dev/null' EXIT
ip addr add 10.99.0.1/24 dev pgtap0
ip link set pgtap0 up
GUEST_TARGET="10.99.0.2 7002"
net_case tap=pgtap0 10.99.0.1 "" PCI-MSI tap
expect console.log 'PG-PING-TAP-OK' "ping over the tap"
