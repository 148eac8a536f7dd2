#!/bin/sh
# Installs HAProxy and balances HTTP round robin over the web servers given as arguments.
# Usage: haproxy.sh IP...
set -eu
[ $# -gt 0 ] || { echo "usage: $0 WEB_IP..." >&2; exit 2; }

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
apt-get install -y -q --no-install-recommends haproxy

cfg=/etc/haproxy/haproxy.cfg
cat > "$cfg.new" <<CFG
global
    log /dev/log local0
    maxconn 2048
    user haproxy
    group haproxy
    daemon

defaults
    mode http
    log global
    option httplog
    option forwardfor
    timeout connect 5s
    timeout client 30s
    timeout server 30s

# Bound to every address, so it serves the VIP whenever keepalived moves it here.
frontend web
    bind *:80
    default_backend webservers

backend webservers
    balance roundrobin
    option httpchk GET /
CFG
n=1
for ip in "$@"; do
    echo "    server web$n $ip:80 check inter 2s fall 2 rise 2" >> "$cfg.new"
    n=$((n + 1))
done
cat >> "$cfg.new" <<CFG

listen stats
    bind *:8404
    stats enable
    stats uri /
    stats refresh 5s
CFG

haproxy -c -f "$cfg.new"
mv "$cfg.new" "$cfg"

if [ -d /run/systemd/system ]; then  # systemd is the init
    systemctl enable haproxy
    systemctl restart haproxy
else
    # No systemd (a minimal container): run it directly, replacing an older instance.
    stop_pidfile /run/haproxy.pid
    haproxy -D -f "$cfg" -p /run/haproxy.pid
fi
echo "haproxy: round robin over $*"
