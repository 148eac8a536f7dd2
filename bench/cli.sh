#!/usr/bin/env bash
# `env validate` on examples/haproxy-lab against `vagrant validate` on the equivalent
# Vagrantfile, measured in the same run. Prints medians and the ratio.
# Target (issue #2): env at least 100 times faster.
# Usage: bench/cli.sh [runs-of-vagrant] [runs-of-env]
set -euo pipefail
cd "$(dirname "$0")/.."
vruns=${1:-7}
eruns=${2:-101}
[ -x build/env ] || bash .ci/install
if ! command -v vagrant >/dev/null; then
  echo "installing Debian's vagrant for the reference..." >&2
  DEBIAN_FRONTEND=noninteractive apt-get install -y -q vagrant >/dev/null
fi

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
# The haproxy lab as Vagrant users write it: 2 load balancers and a loop of 3 web servers
# on a private network, a forwarded port, shell provisioners.
cat > "$work/Vagrantfile" <<'VF'
Vagrant.configure("2") do |config|
  config.vm.box = "debian/bookworm64"
  config.vm.provider "virtualbox" do |vb|
    vb.memory = 512
    vb.cpus = 1
  end
  config.vm.provision "shell", inline: "apt-get update -q"
  (1..2).each do |i|
    config.vm.define "lb#{i}" do |lb|
      lb.vm.hostname = "lb#{i}"
      lb.vm.network "private_network", ip: "192.168.56.#{10 + i}"
      lb.vm.network "forwarded_port", guest: 80, host: 8080 + i, host_ip: "127.0.0.1"
      lb.vm.provision "shell", inline: "apt-get install -y haproxy keepalived"
    end
  end
  (1..3).each do |i|
    config.vm.define "web#{i}" do |web|
      web.vm.hostname = "web#{i}"
      web.vm.network "private_network", ip: "192.168.56.#{20 + i}"
      web.vm.provision "shell", inline: "apt-get install -y nginx"
    end
  end
end
VF

# Prints the median wall time in seconds of running "$@" N times ($1 = N).
median() {
  local n=$1; shift
  local times=()
  for ((k = 0; k < n; k++)); do
    local s e
    s=$(date +%s%N)
    "$@" >/dev/null 2>&1 || { echo "failed: $*" >&2; exit 1; }
    e=$(date +%s%N)
    times+=($(( (e - s) / 1000 )))
  done
  printf '%s\n' "${times[@]}" | sort -n | awk '{a[NR]=$1} END {printf "%.6f\n", a[int((NR+1)/2)]/1e6}'
}

vmed=$(cd "$work" && median "$vruns" vagrant validate --ignore-provider)
emed=$(median "$eruns" ./build/env validate -f examples/haproxy-lab/Envfile)
printf '%-46s %10s %6s\n' "command" "median s" "runs"
printf '%-46s %10.4f %6d\n' "vagrant validate (haproxy lab Vagrantfile)" "$vmed" "$vruns"
printf '%-46s %10.4f %6d\n' "env validate (examples/haproxy-lab/Envfile)" "$emed" "$eruns"
awk -v v="$vmed" -v e="$emed" 'BEGIN {printf "ratio: env is %.0fx faster (target >= 100x)\n", v / e}'
