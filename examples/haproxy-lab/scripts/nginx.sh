#!/bin/sh
# Installs nginx with a page that names the server, so round robin is visible with curl.
# Usage: nginx.sh MY_IP
set -eu
my_ip=${1:-unknown}

export DEBIAN_FRONTEND=noninteractive
apt-get install -y -q --no-install-recommends nginx-light

cat > /var/www/html/index.html <<HTML
<!doctype html>
<title>$(hostname)</title>
<h1>served by $(hostname) ($my_ip)</h1>
HTML
# A plain-text twin for scripts: curl http://VIP/whoami
printf '%s\n' "$(hostname)" > /var/www/html/whoami

if [ -d /run/systemd/system ]; then  # systemd is the init
    systemctl enable nginx
    systemctl restart nginx
else
    nginx -t
    nginx -s reload 2>/dev/null || nginx
fi
echo "nginx: serving $(hostname) on $my_ip"
