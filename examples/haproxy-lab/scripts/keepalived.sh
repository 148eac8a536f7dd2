#!/bin/sh
# Installs keepalived and runs one VRRP instance that holds the virtual IP on the balancer
# with the highest priority while its HAProxy is alive.
# Environment: VIP (address/prefix), MY_IP (this balancer's address on the lab network),
#              PRIORITY (1..254, higher wins), PEER_IP (the other balancer).
set -eu
: "${VIP:?VIP is not set}" "${MY_IP:?MY_IP is not set}" "${PRIORITY:?PRIORITY is not set}"
: "${PEER_IP:?PEER_IP is not set}"

# Stops the daemon whose pid file is given and waits until it is gone, so that the new
# instance can bind its ports (provisioners upload one script at a time: no shared library).
stop_pidfile() {
    [ -s "$1" ] || return 0
    pid=$(head -n 1 "$1")
    kill "$pid" 2>/dev/null || return 0
    for _ in 1 2 3 4 5 6 7 8 9 10; do
        kill -0 "$pid" 2>/dev/null || return 0
        sleep 0.5
    done
    kill -9 "$pid" 2>/dev/null || true
}

export DEBIAN_FRONTEND=noninteractive
apt-get install -y -q --no-install-recommends keepalived

command -v ip >/dev/null || { echo "keepalived.sh needs iproute2 (ip)" >&2; exit 1; }
# The interface that carries MY_IP: VRRP advertisements and the VIP go there.
iface=$(ip -o -4 addr show | awk -v ip="$MY_IP" '{ split($4, a, "/"); if (a[1] == ip) { print $2; exit } }')
[ -n "$iface" ] || { echo "no interface has $MY_IP" >&2; exit 1; }

# Alive when the pid in HAProxy's pid file (Debian's unit and haproxy.sh both write it)
# runs; needs nothing beyond the shell, since minimal boxes lack procps.
cat > /etc/keepalived/check_haproxy.sh <<'SH'
#!/bin/sh
[ -s /run/haproxy.pid ] && kill -0 "$(head -n 1 /run/haproxy.pid)" 2>/dev/null
SH
chmod 755 /etc/keepalived/check_haproxy.sh

cat > /etc/keepalived/keepalived.conf <<CFG
global_defs {
    router_id $(hostname)
    enable_script_security
    script_user root
}

# Gives up the VIP when HAProxy dies, even if this node is otherwise healthy.
vrrp_script chk_haproxy {
    script "/etc/keepalived/check_haproxy.sh"
    interval 2
    fall 2
    rise 2
}

vrrp_instance lab_vip {
    state BACKUP               # the priority elects the master
    interface $iface
    virtual_router_id 56
    priority $PRIORITY
    advert_int 1
    unicast_src_ip $MY_IP
    unicast_peer {
        $PEER_IP
    }
    authentication {
        auth_type PASS
        auth_pass envlab56
    }
    virtual_ipaddress {
        $VIP dev $iface
    }
    track_script {
        chk_haproxy
    }
}
CFG

if [ -d /run/systemd/system ]; then  # systemd is the init
    systemctl enable keepalived
    systemctl restart keepalived
else
    stop_pidfile /run/keepalived.pid
    keepalived --pid=/run/keepalived.pid
fi
echo "keepalived: VIP $VIP on $iface, priority $PRIORITY"
