#!/usr/bin/env bash
# Builds the virtio fuzzer with clang (libFuzzer + AddressSanitizer) in build-fuzz/ and
# runs it for a bounded time: tests/fuzz/run.sh [seconds (60)].
# Debian 12's default clang (14) cannot compile std::expected against libstdc++ 12 (its
# __cpp_concepts is too old for <expected>), hence clang-19 from the same release.
set -euo pipefail
cd "$(dirname "$0")/../.."
seconds=${1:-60}
cc=$(command -v clang-19 || command -v clang)
cxx=$(command -v clang++-19 || command -v clang++)
cmake -S . -B build-fuzz -G Ninja -DENV_FUZZ=ON -DCMAKE_BUILD_TYPE=RelWithDebInfo \
  -DCMAKE_C_COMPILER="$cc" -DCMAKE_CXX_COMPILER="$cxx" \
  -DCMAKE_CXX_FLAGS="-fsanitize=address,fuzzer-no-link -fno-omit-frame-pointer" >/dev/null
cmake --build build-fuzz --target virtio_fuzz -j"$(nproc)"
corpus=build-fuzz/virtio-corpus seeds=build-fuzz/virtio-seeds
mkdir -p "$corpus" "$seeds"
# -rss_limit: the guest RAM mapping is 16 MiB; anything near the limit is a leak.
VIRTIO_FUZZ_SEEDS="$seeds" ./build-fuzz/tests/fuzz/virtio_fuzz "$corpus" "$seeds" -max_total_time="$seconds" -max_len=16384 \
  -rss_limit_mb=1024 -timeout=10 -print_final_stats=1 >build-fuzz/virtio-fuzz.log 2>&1 ||
  { cat build-fuzz/virtio-fuzz.log; echo "virtio fuzzer failed (crash input saved in the current directory)"; exit 1; }
grep -E '^(#[0-9]+.*DONE|Done|stat::)' build-fuzz/virtio-fuzz.log
