#!/usr/bin/env bash
# A lab of busybox containers, measured in one run:
#   - wall time of `env up` (until every machine's SSH authenticates) for N = 1, 4, 16
#     machines, several at once (the default) beside `env up --no-parallel` (one after the
#     other: the reference); median of R runs each. Target: 16 machines in at most 3 times
#     the time of one.
#   - the host CPU those ups used (env, the supervisors and the containers, from a cgroup's
#     cpu.stat: the kernel's work on their behalf included, other load excluded), and the
#     floor it puts under the ratio on this host's cores: 16 machines cannot take less than
#     16 times one machine's CPU divided by the cores.
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
  if [ -n "${acct:-}" ] && [ -d "$acct" ]; then
    echo $$ >"$cg2/cgroup.procs"
    rmdir "$acct" 2>/dev/null || true
  fi
}
trap cleanup EXIT
boxes/busybox/build.sh "$work/out" >/dev/null
"$env_bin" box add busybox "$work/out/busybox.json" >/dev/null


# CPU accounting: a cgroup of the v2 hierarchy (the unified one of hybrid hosts, the only one
# of v2 hosts) that this script moves itself into, so `env up`, the supervisors and, on
# hybrid hosts, the containers are counted in it; on v2 hosts the containers move into their
# machines' cgroups, which are read too (cpu.stat's usage_usec needs no controller).
cg2=$(awk '{for (i = 1; i <= NF; i++) if ($i == "-") t = $(i + 1)} t == "cgroup2" {print $5; exit}' \
  /proc/self/mountinfo)
[ -n "$cg2" ] || { echo "bench/lab.sh: no cgroup2 mount to count CPU with" >&2; exit 1; }
acct=$cg2/env-bench-lab-$$
# Sets usage to a cgroup's CPU time in us. Builtins only: a forked reader would count itself.
usage_us() {
  local k v
  usage=0
  while read -r k v; do [ "$k" = usage_usec ] && usage=$v && break; done <"$1/cpu.stat"
}
# The CPU of a lab's `env up`, in core-ms: the bench cgroup's delta plus its machines' own.
lab_cpu_ms() {
  local dir=$1 before=$2 total
  usage_us "$acct"
  total=$((usage - before))
  for m in "$dir"/.envstate/machines/*; do
    local cg
    cg=$(sed -n 's/.*"cgroup": *"\([^"]*\)".*/\1/p' "$m/state.json")
    [ -n "$cg" ] && [ -d "$cg2/$cg" ] && usage_us "$cg2/$cg" && total=$((total + usage))
  done
  echo $((total / 1000))
}
mkdir "$acct"
echo $$ >"$acct/cgroup.procs"
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

declare -A par ser cpu_par cpu_ser
base=()  # every run of the smallest lab, both modes
mem_report=""
for n in "${sizes[@]}"; do
  dir=$(project "$n")
  for mode in parallel serial; do
    flag=""
    [ "$mode" = serial ] && flag=--no-parallel
    times=()
    cpu=()
    for r in $(seq "$runs"); do
      usage_us "$acct"
      c0=$usage
      t0=${EPOCHREALTIME/./}  # us, read without a process
      if ! (cd "$dir" && "$env_bin" up $flag >"$work/up.log" 2>&1); then
        echo "env up $flag of $n machines failed:" >&2
        cat "$work/up.log" >&2
        exit 1
      fi
      t1=${EPOCHREALTIME/./}
      cpu+=($(lab_cpu_ms "$dir" "$c0"))
      times+=($(((t1 - t0) / 1000)))
      [ "$n" = "${sizes[0]}" ] && base+=($(((t1 - t0) / 1000)))
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
      cpu_par[$n]=$(printf '%s\n' "${cpu[@]}" | median)
    else
      ser[$n]=$(printf '%s\n' "${times[@]}" | median)
      cpu_ser[$n]=$(printf '%s\n' "${cpu[@]}" | median)
    fi
  done
done

echo "env up of N busybox machines, median of $runs runs, ms ($(nproc) cores, parallel bound" \
  "max(8, 4*cores))"
# Sixteen machines at once need the CPU that one alone leaves idle: a busy host stretches
# the ratio, so say how busy it was.
echo "host load average at the start: $load0 (1, 5, 15 min)"
printf '%-12s %12s %16s    %s\n' "machines" "parallel" "--no-parallel" \
  "host CPU core-ms: parallel, --no-parallel"
for n in "${sizes[@]}"; do
  printf '%-12s %12s %16s    %8s %8s\n' "$n" "${par[$n]}" "${ser[$n]}" "${cpu_par[$n]}" "${cpu_ser[$n]}"
done
first=${sizes[0]}
last=${sizes[-1]}
# One machine takes the same path with or without --no-parallel, and its time jumps with
# the SSH poll's back-off steps: the baseline is the median of all its 2R runs.
one=$(printf '%s\n' "${base[@]}" | median)
awk -v a="${par[$last]}" -v b="$one" -v n="$last" -v f="$first" 'BEGIN {
  printf "%-52s %8.2f  (target <= 3)\n", n " parallel / " f " (median " b " ms)", a / b }'
# The floor this host puts under the ratio: N machines need N times one machine's CPU, and
# the cores give at most nproc core-ms per ms. The CPU is the --no-parallel runs' (one
# machine at a time: no contention inflates it). When one machine alone keeps the CPU busy
# for most of its own time, no scheduling brings N machines under that floor.
awk -v c="${cpu_ser[$last]}" -v n="$last" -v cores="$(nproc)" -v b="$one" 'BEGIN {
  per = c / n; floor = c / cores
  printf "%-52s %8.1f\n", "host CPU per machine, one at a time (core-ms)", per
  printf "%-52s %8.0f\n", "  so " n " machines take at least, on " cores " cores (ms)", floor
  printf "%-52s %8.2f\n", "  the lowest " n " / 1 ratio this host allows", floor / b }'
echo "$mem_report"
