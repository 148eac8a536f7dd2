#!/usr/bin/env bash
# The container provider end to end with the busybox box, measured in one run:
#   `env up` (until SSH authenticates) and `env destroy -f`, N times each;
#   `env ssh m -c true` beside OpenSSH's `ssh -F <(env ssh-config) m true` (the reference).
# Prints medians in milliseconds. Needs root.
# Usage: bench/container.sh [up-runs] [ssh-runs]
set -euo pipefail
cd "$(dirname "$0")/.."
uruns=${1:-5}
sruns=${2:-21}
[ "$(id -u)" -eq 0 ] || { echo "bench/container.sh needs root (the container provider)" >&2; exit 1; }
[ -x build/env ] || bash .ci/install
env_bin=$PWD/build/env

work=$(mktemp -d /tmp/env-bench-XXXXXX)
export ENV_HOME=$work/home
trap 'cd "$work/p" 2>/dev/null && "$env_bin" destroy -f >/dev/null 2>&1; rm -rf "$work"' EXIT
boxes/busybox/build.sh "$work/out" >/dev/null
"$env_bin" box add busybox "$work/out/busybox.json" >/dev/null
mkdir -p "$work/p" && cd "$work/p"
printf 'machines:\n  m:\n    box: busybox\n' > Envfile

ms() { date +%s%N; }
median() { sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }
ups=() downs=()
for _ in $(seq "$uruns"); do
  t0=$(ms); "$env_bin" up >/dev/null 2>&1; t1=$(ms)
  "$env_bin" destroy -f >/dev/null 2>&1; t2=$(ms)
  ups+=($(( (t1 - t0) / 1000000 ))); downs+=($(( (t2 - t1) / 1000000 )))
done
"$env_bin" up >/dev/null 2>&1
"$env_bin" ssh-config > "$work/ssh_config"
envs=() opens=()
for _ in $(seq "$sruns"); do
  t0=$(ms); "$env_bin" ssh m -c true; t1=$(ms)
  ssh -F "$work/ssh_config" -o BatchMode=yes m true; t2=$(ms)
  envs+=($(( (t1 - t0) / 1000000 ))); opens+=($(( (t2 - t1) / 1000000 )))
done
printf '%-40s %8s\n' "what (median of runs)" "ms"
printf '%-40s %8s\n' "env up (to SSH authenticated) x$uruns" "$(printf '%s\n' "${ups[@]}" | median)"
printf '%-40s %8s\n' "env destroy -f x$uruns" "$(printf '%s\n' "${downs[@]}" | median)"
printf '%-40s %8s\n' "env ssh m -c true x$sruns" "$(printf '%s\n' "${envs[@]}" | median)"
printf '%-40s %8s\n' "ssh -F <(env ssh-config) m true x$sruns" "$(printf '%s\n' "${opens[@]}" | median)"
# The host is shared: figures only mean something beside the load they were taken under.
echo "load average: $(cut -d' ' -f1-3 /proc/loadavg)"
