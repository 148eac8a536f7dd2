#!/bin/sh
# Host-side cost of the virtio devices per blk request and per net frame: the device code
# alone (queue parsing, request handling, used-ring update) against a guest in memory and
# an in-memory disk / loopback backend, beside a memcpy of the same payload bytes measured
# in the same run (the floor for a device that must copy them).
# Usage: bench/virtio.sh [BUILD_DIR] [ROUNDS (4000 rounds of 64 requests)]
set -eu
build=${1:-build}
rounds=${2:-4000}
cmake --build "$build" --target virtio_bench >/dev/null
exec "$build/tests/bench/virtio_bench" "$rounds"
