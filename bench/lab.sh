#!/usr/bin/env bash
# A lab of busybox containers, measured in one run:
#   - wall time of `env up` (until every machine's SSH authenticates) for N = 1, 4, 16
#     machines, several at once (the default) beside `env up --no-parallel` (one after the
#     other: the reference); median of R runs each. Target: 16 machines in at most 3 times
#     the time of one.
#   - host memory per idle machine: the Pss of each machine's supervisor (which is also its
#     NAT: libslirp runs in a thread of it), from /proc/PID/smaps_rollup, with the 16
#     machines up and idle. Pss, not Rss: Rss counts the shared libraries and the binary's
#     text once per process although the host holds them once; Pss charges each process its
#     share, so the sum over the machines is what they cost the host together. Rss is shown
#     beside it. The container's own init and SSH server are the guest's, reported apart.
#     Target: at most 3 MiB per machine.
# Needs root. Usage: bench/lab.sh [runs] [sizes...]   (default: 3 runs of 1 4 16)
set -euo pipefail
cd "$(dirname "$0")/.."
runs=${1:-3}
shift || true
sizes=("$@")
[ ${#sizes[@]} -gt 0 ] || sizes=(1 4 16)
[ "$(id -u)" -eq 0 ] || { echo "bench/lab.sh needs root (the container provider)" >&2; exit 1; }
[ -x build/env ] || bash .ci/install
env_bin=$PWD/build/env

work=$(mktemp -d /tmp/env-bench-parallel-XXXXXX)
export ENV_HOME=$work/home
cleanup() {
  for p in "$work"/p-*; do
    [ -d "$p" ] && (cd "$p" && "$env_bin" destroy -f >/dev/null 2>&1 || true)
  done
  rm -rf "$work"
}
trap cleanup EXIT
boxes/busybox/build.sh "$work/out" >/dev/null
"$env_bin" box add busybox "$work/out/busybox.json" >/dev/null

ms() { date +%s%N; }
median() { sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }
kib() { awk -v k="$1" '$1 == k":" {print $2}' "$2"; }

# One project of n machines: m1..mn.
project() {
  local dir=$work/p-$1
  mkdir -p "$dir"
  printf 'machines:\n  m${i}:\n    for: {i: 1..%d}\n    box: busybox\n' "$1" > "$dir/Envfile"
  echo "$dir"
}

# Pss and Rss (KiB) of the supervisors of a project's machines, and of their containers'
# processes, once they are idle.
memory() {
  local dir=$1 n=$2 sp=0 sr=0 gp=0
  sleep 2  # let the machines settle: SSH sessions of `up` closed, nothing booting
  for m in "$dir"/.envstate/machines/*; do
    local sup init
    sup=$(sed -n 's/.*"supervisor": *\([0-9]*\).*/\1/p' "$m/supervisor.pid")
    init=$(sed -n 's/.*"init": *\([0-9]*\).*/\1/p' "$m/supervisor.pid")
    sp=$((sp + $(kib Pss /proc/$sup/smaps_rollup)))
    sr=$((sr + $(kib Rss /proc/$sup/smaps_rollup)))
    # The container: its init and everything below it (the SSH server).
    for pid in $init $(pgrep -P "$init" || true); do
      gp=$((gp + $(kib Pss /proc/$pid/smaps_rollup 2>/dev/null || echo 0)))
    done
  done
  awk -v sp="$sp" -v sr="$sr" -v gp="$gp" -v n="$n" 'BEGIN {
    printf "%-52s %8.2f  (target <= 3)\n", "supervisor + NAT Pss per idle machine (MiB)", sp / n / 1024
    printf "%-52s %8.2f\n", "  (reference: its Rss, shared pages counted each time)", sr / n / 1024
    printf "%-52s %8.2f\n", "  (the container'"'"'s init + sshd Pss, the guest'"'"'s share)", gp / n / 1024
  }'
}

load0=$(cut -d' ' -f1-3 /proc/loadavg)
# A first machine warms the caches (binary, box files, libraries) for everything after it.
warm=$(project 0)
printf 'machines:\n  m:\n    box: busybox\n' >"$warm/Envfile"
(cd "$warm" && "$env_bin" up >/dev/null 2>&1 && "$env_bin" destroy -f >/dev/null 2>&1)

declare -A par ser
base=()  # every run of the smallest lab, both modes
mem_report=""
for n in "${sizes[@]}"; do
  dir=$(project "$n")
  for mode in parallel serial; do
    flag=""
    [ "$mode" = serial ] && flag=--no-parallel
    times=()
    for r in $(seq "$runs"); do
      t0=$(ms)
      if ! (cd "$dir" && "$env_bin" up $flag >"$work/up.log" 2>&1); then
        echo "env up $flag of $n machines failed:" >&2
        cat "$work/up.log" >&2
        exit 1
      fi
      t1=$(ms)
      times+=($(((t1 - t0) / 1000000)))
      [ "$n" = "${sizes[0]}" ] && base+=($(((t1 - t0) / 1000000)))
      if [ "$mode" = parallel ] && [ "$r" = 1 ] && [ "$n" = "${sizes[-1]}" ]; then
        mem_report=$(memory "$dir" "$n")
      fi
      (cd "$dir" && "$env_bin" destroy -f >/dev/null 2>&1)
      # The kernel tears the machines' namespaces down after destroy returns (netns cleanup
      # runs in a kernel worker): let that finish so that it does not slow the next up.
      sleep 1
    done
    if [ "$mode" = parallel ]; then
      par[$n]=$(printf '%s\n' "${times[@]}" | median)
    else
      ser[$n]=$(printf '%s\n' "${times[@]}" | median)
    fi
  done
done

echo "env up of N busybox machines, median of $runs runs, ms ($(nproc) cores, parallel bound" \
  "max(8, 4*cores))"
# Sixteen machines at once need the CPU that one alone leaves idle: a busy host stretches
# the ratio, so say how busy it was.
echo "host load average at the start: $load0 (1, 5, 15 min)"
printf '%-12s %12s %16s\n' "machines" "parallel" "--no-parallel"
for n in "${sizes[@]}"; do printf '%-12s %12s %16s\n' "$n" "${par[$n]}" "${ser[$n]}"; done
first=${sizes[0]}
last=${sizes[-1]}
# One machine takes the same path with or without --no-parallel, and its time jumps with
# the SSH poll's back-off steps: the baseline is the median of all its 2R runs.
one=$(printf '%s\n' "${base[@]}" | median)
awk -v a="${par[$last]}" -v b="$one" -v n="$last" -v f="$first" 'BEGIN {
  printf "%-52s %8.2f  (target <= 3)\n", n " parallel / " f " (median " b " ms)", a / b }'
echo "$mem_report"
