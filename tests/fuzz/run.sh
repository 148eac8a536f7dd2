#!/usr/bin/env bash
# Builds the fuzzers with clang (libFuzzer + AddressSanitizer) in build-fuzz/ and runs each
# for a bounded time: tests/fuzz/run.sh [seconds per fuzzer (60)].
#   virtio_fuzz:  a guest's rings and buffers against the virtio devices;
#   envfile_fuzz: any bytes as an Envfile through load and validate.
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
cmake --build build-fuzz --target virtio_fuzz envfile_fuzz -j"$(nproc)"

# run NAME CORPUS SEEDS [libFuzzer flags...]: a crash, a leak, a timeout or an
# out-of-memory fails the run; the input that did it is saved in the current directory.
run() {
  local name=$1 corpus=$2 seeds=$3
  shift 3
  mkdir -p "$corpus" "$seeds"
  "./build-fuzz/tests/fuzz/$name" "$corpus" "$seeds" -max_total_time="$seconds" \
    -timeout=10 -print_final_stats=1 "$@" >"build-fuzz/$name.log" 2>&1 ||
    { cat "build-fuzz/$name.log"; echo "$name failed (crash input saved in the current directory)"; exit 1; }
  echo "$name:"
  grep -E '^(#[0-9]+.*DONE|Done|stat::)' "build-fuzz/$name.log"
}

# -rss_limit: the guest RAM mapping is 16 MiB; anything near the limit is a leak.
VIRTIO_FUZZ_SEEDS=build-fuzz/virtio-seeds run virtio_fuzz build-fuzz/virtio-corpus \
  build-fuzz/virtio-seeds -max_len=16384 -rss_limit_mb=1024

# Seeds: every Envfile the project ships, good and bad.
mkdir -p build-fuzz/envfile-seeds
i=0
while IFS= read -r -d '' f; do
  cp "$f" "build-fuzz/envfile-seeds/seed-$i" && i=$((i + 1))
done < <(find examples tests/data/envfiles -type f -print0)
run envfile_fuzz build-fuzz/envfile-corpus build-fuzz/envfile-seeds -max_len=4096 \
  -rss_limit_mb=2048 -dict=tests/fuzz/envfile.dict
