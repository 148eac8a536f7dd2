#!/usr/bin/env bash
# examples/busybox-lab (2 machines; host-only, internal and bridged networks; 2 DHCP leases,
# one from our server, one from the LAN's udhcpd) beside the same two machines without
# networks (the reference: what the networks cost), measured in one run, in a network
# namespace of its own: `env up` (provisioned) and `env destroy -f`, N times each.
# Prints medians in milliseconds. Needs root.
# Usage: bench/networks.sh [runs]
set -euo pipefail
cd "$(dirname "$0")/.."
runs=${1:-5}
[ "$(id -u)" -eq 0 ] || { echo "bench/networks.sh needs root (the container provider)" >&2; exit 1; }
if [ -z "${ENV_BENCH_IN_NETNS:-}" ]; then
  exec unshare -n env ENV_BENCH_IN_NETNS=1 bash "$0" "$@"
fi
[ -x build/env ] || bash .ci/install
env_bin=$PWD/build/env

work=$(mktemp -d /tmp/env-bench-XXXXXX)
export ENV_HOME=$work/home
cleanup() {
  for d in lab ref; do (cd "$work/$d" 2>/dev/null && "$env_bin" destroy -f >/dev/null 2>&1) || true; done
  [ -f "$work/udhcpd.pid" ] && kill "$(cat "$work/udhcpd.pid")" 2>/dev/null || true
  rm -rf "$work"
}
trap cleanup EXIT
ip link set lo up
ip link add labuplink0 type veth peer name labpeer0
ip addr add 192.168.78.1/24 dev labpeer0 && ip link set labuplink0 up && ip link set labpeer0 up
printf 'start 192.168.78.50\nend 192.168.78.60\ninterface labpeer0\nlease_file %s\npidfile %s\n' \
  "$work/udhcpd.leases" "$work/udhcpd.pid" > "$work/udhcpd.conf"
touch "$work/udhcpd.leases" && busybox udhcpd -a 100 "$work/udhcpd.conf"

boxes/busybox/build.sh "$work/out" >/dev/null
"$env_bin" box add busybox "$work/out/busybox.json" >/dev/null
mkdir -p "$work/lab" "$work/ref"
cp examples/busybox-lab/Envfile "$work/lab/"
cat > "$work/ref/Envfile" <<'X'
defaults: {box: busybox, provider: container, memory: 64M}
machines:
  web:
    provision:
      - shell: {name: httpd, run: always, inline: mkdir -p /www && echo "web $(hostname)" > /www/index.html && httpd -p 80 -h /www}
  db:
    provision:
      - shell: {name: httpd, run: always, inline: mkdir -p /www && echo "db $(hostname)" > /www/index.html && httpd -p 80 -h /www}
X

ms() { date +%s%N; }
median() { sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }
measure() {  # dir -> "up_median destroy_median"
  local ups=() downs=()
  cd "$work/$1"
  for _ in $(seq "$runs"); do
    t0=$(ms); "$env_bin" up >/dev/null 2>&1; t1=$(ms)
    "$env_bin" destroy -f >/dev/null 2>&1; t2=$(ms)
    ups+=($(( (t1 - t0) / 1000000 ))); downs+=($(( (t2 - t1) / 1000000 )))
  done
  echo "$(printf '%s\n' "${ups[@]}" | median) $(printf '%s\n' "${downs[@]}" | median)"
}
read -r lab_up lab_down < <(measure lab)
read -r ref_up ref_down < <(measure ref)
printf '%-52s %8s\n' "what (median of $runs runs)" "ms"
printf '%-52s %8s\n' "env up, busybox lab (2 machines, 3 networks)" "$lab_up"
printf '%-52s %8s\n' "env up, same 2 machines without networks (ref)" "$ref_up"
printf '%-52s %8s\n' "env destroy -f, busybox lab" "$lab_down"
printf '%-52s %8s\n' "env destroy -f, without networks (ref)" "$ref_down"
