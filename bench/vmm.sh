#!/bin/sh
# env-vmm against QEMU's microvm, side by side, booting the same tiny guest (the PVH ELF,
# which both load) with a 256 MiB guest under /dev/kvm:
#   start:    process start -> the guest's first byte on the serial port (median of RUNS)
#   overhead: host memory of the VMM process beyond the guest pages it touched, i.e.
#             VmRSS - RssShmem (guest RAM is a memfd in both: shared memory), measured once
#             the guest idles.
# Targets (issue #6): start <= 1/5 of QEMU's, overhead <= 5 MiB.
# Usage: bench/vmm.sh [BUILD_DIR]   (needs root or the kvm group; installs qemu-system-x86)
set -eu
build=${1:-build}
runs=${RUNS:-21}
vmm="$build/providers/kvm/env-vmm"
guest="$build/tests/guest/tiny-guest-pvh.elf"
[ -x "$vmm" ] && [ -f "$guest" ] || { echo "bench: build first (cmake --build $build)" >&2; exit 1; }
if ! command -v qemu-system-x86_64 >/dev/null; then
    echo "bench: installing qemu-system-x86 (Debian's) for the reference" >&2
    apt-get install -y qemu-system-x86 >/dev/null
fi
command -v python3 >/dev/null || apt-get install -y python3 >/dev/null

exec python3 - "$vmm" "$guest" "$runs" <<'PY'
import os, signal, statistics, subprocess, sys, time

vmm, guest, runs = sys.argv[1], sys.argv[2], int(sys.argv[3])
# -cpu: this host's KVM refuses QEMU's default MSR set for "host" (ARCH_CAPABILITIES).
commands = {
    "env-vmm": [vmm, "--kernel", guest, "--memory", "256", "--cmdline", "guest.mode=idle"],
    "qemu microvm": ["qemu-system-x86_64", "-M", "microvm", "-enable-kvm", "-cpu", "host,-arch-capabilities",
                     "-m", "256", "-object", "memory-backend-memfd,id=ram,size=256M",
                     "-machine", "memory-backend=ram", "-nodefaults", "-no-user-config",
                     "-display", "none", "-serial", "stdio", "-kernel", guest,
                     "-append", "guest.mode=idle"],
}

def status_kib(pid):
    out = {}
    with open(f"/proc/{pid}/status") as f:
        for line in f:
            k, _, v = line.partition(":")
            if k in ("VmRSS", "RssAnon", "RssFile", "RssShmem"):
                out[k] = int(v.split()[0])
    return out

def one_run(cmd):
    t0 = time.perf_counter()
    p = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, stdin=subprocess.DEVNULL)
    try:
        first = p.stdout.read(1)
        t1 = time.perf_counter()
        if not first:
            raise RuntimeError(f"{cmd[0]} printed nothing")
        buf = first
        while b"idle: ready" not in buf:
            chunk = os.read(p.stdout.fileno(), 4096)
            if not chunk:
                raise RuntimeError(f"{cmd[0]} ended before the guest idled")
            buf += chunk
        time.sleep(0.3)  # let the VMM settle after the guest's boot
        mem = status_kib(p.pid)
        return t1 - t0, mem
    finally:
        p.send_signal(signal.SIGKILL)
        p.wait()

# Runs alternate between the VMMs so that bursts of host noise (this is often a nested,
# shared machine) hit both alike.
samples = {name: ([], []) for name in commands}
for _ in range(runs):
    for name, cmd in commands.items():
        s, m = one_run(cmd)
        samples[name][0].append(s)
        samples[name][1].append(m)
results = {}
for name, (starts, mems) in samples.items():
    m = mems[-1]
    results[name] = (statistics.median(starts), min(starts), max(starts),
                     (m["VmRSS"] - m["RssShmem"]) / 1024.0, m["RssShmem"] / 1024.0, m["VmRSS"] / 1024.0)

print(f"{'':14} {'first serial byte (median, min-max)':>38} {'overhead MiB':>13} {'guest MiB':>10} {'RSS MiB':>8}")
for name, (med, lo, hi, over, shm, rss) in results.items():
    print(f"{name:14} {med*1000:17.1f} ms ({lo*1000:6.1f}-{hi*1000:6.1f} ms) {over:13.2f} {shm:10.2f} {rss:8.2f}")
e, q = results["env-vmm"], results["qemu microvm"]
ratio = e[0] / q[0]
print(f"start: env-vmm takes {ratio:.3f} of QEMU's time, median to median (target <= 0.2): "
      f"{'OK' if ratio <= 0.2 else 'MISSED'}; best to best {e[1] / q[1]:.3f}")
print(f"overhead: env-vmm {e[3]:.2f} MiB (target <= 5 MiB): {'OK' if e[3] <= 5 else 'MISSED'}")
PY
