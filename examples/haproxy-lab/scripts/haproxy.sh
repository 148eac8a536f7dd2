#!/bin/sh
# Installs HAProxy and balances HTTP round robin over the web servers given as arguments.
# Usage: haproxy.sh IP...
set -eu
[ $# -gt 0 ] || { echo "usage: $0 WEB_IP..." >&2; exit 2; }

export DEBIAN_FRONTEND=noninteractive
apt-get install -y -q haproxy

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
    [ -f /run/haproxy.pid ] && kill "$(cat /run/haproxy.pid)" 2>/dev/null || true
    haproxy -D -f "$cfg" -p /run/haproxy.pid
fi
echo "haproxy: round robin over $*"
