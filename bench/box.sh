#!/bin/bash
# `env box add` of a ~200 MB box from a local HTTP server, side by side with `curl -o`
# followed by `tar -x` of the same file. Target: env within 1.1x of curl+tar.
#   bench/box.sh [ENV_BINARY]        (default: build/env)
# Needs: curl, tar, gzip, python3 (http.server). ROUNDS=N (default 3), COMPRESS=gzip|zstd|none,
# BENCH_DIR=where the box, the server and both extractions live (default /tmp).
set -euo pipefail
repo=$(cd "$(dirname "$0")/.." && pwd)
env_bin=$(readlink -f "${1:-$repo/build/env}")
[ -x "$env_bin" ] || { echo "no env binary at $env_bin (build first)" >&2; exit 1; }
rounds=${ROUNDS:-3}
compress=${COMPRESS:-gzip}
work=$(mktemp -d "${BENCH_DIR:-/tmp}/env-bench-box.XXXXXX")
server=
cleanup() {
    [ -n "$server" ] && kill "$server" 2>/dev/null && wait "$server" 2>/dev/null
    rm -rf "$work"
}
trap cleanup EXIT

# The box: a rootfs of real files (headers: many small; gcc's libraries: some large) plus
# 96 MiB of incompressible data, so that the archive is about 200 MB whatever the tool.
stage=$work/stage
mkdir -p "$stage/rootfs/usr/lib" "$stage/rootfs/var"
cp -a /usr/include "$stage/rootfs/usr/"
cp -a /usr/lib/gcc "$stage/rootfs/usr/lib/"
head -c $((96 << 20)) /dev/urandom >"$stage/rootfs/var/blob"
echo '{"provider":"container","format":"rootfs","user":"root"}' >"$stage/metadata.json"
case "$compress" in
    gzip) box=$work/srv/bench.box; mkdir -p "$work/srv"; tar -C "$stage" -cf - metadata.json rootfs | gzip -1 >"$box"; tarflag=-z ;;
    zstd) box=$work/srv/bench.box; mkdir -p "$work/srv"; tar -C "$stage" -cf - metadata.json rootfs | zstd -q -T0 >"$box"; tarflag=--zstd ;;
    none) box=$work/srv/bench.box; mkdir -p "$work/srv"; tar -C "$stage" -cf "$box" metadata.json rootfs; tarflag= ;;
esac
rm -rf "$stage"
size=$(stat -c %s "$box")
sum=$(sha256sum "$box" | cut -d' ' -f1)

port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
(cd "$work/srv" && exec python3 -m http.server "$port" --bind 127.0.0.1 >/dev/null 2>&1) &
server=$!
url=http://127.0.0.1:$port/bench.box
for _ in $(seq 50); do curl -sf -o /dev/null -r 0-0 "$url" && break; sleep 0.1; done

calc() { awk "BEGIN { print $1 }"; }
# Runs a command; prints "wall user+sys" seconds. On a shared machine the wall clock swings
# with other load; CPU seconds much less, so both are shown.
measure() {
    local TIMEFORMAT='%R %U %S' out
    out=$({ time "$@" >/dev/null 2>&1; } 2>&1)
    awk '{ printf "%.2f %.2f\n", $1, $2 + $3 }' <<<"$out"
}
reference() {
    rm -rf "$work/ref" && mkdir -p "$work/ref/x"
    curl -sS -o "$work/ref/bench.box" "$url"
    tar $tarflag -xpf "$work/ref/bench.box" -C "$work/ref/x"
}
env_add() {
    rm -rf "$work/home"
    ENV_HOME=$work/home "$env_bin" box add bench "$url" "$@"
}
best_ref=999999; best_env=999999; best_envck=999999
for r in $(seq "$rounds"); do
    sync; read -r ref ref_cpu < <(measure reference); rm -rf "$work/ref"
    sync; read -r envt env_cpu < <(measure env_add)
    sync; read -r envck envck_cpu < <(measure env_add --checksum "$sum"); rm -rf "$work/home"
    printf 'round %d: curl+tar %.2fs (cpu %.2fs)   env box add %.2fs (cpu %.2fs)   --checksum %.2fs (cpu %.2fs)\n' \
        "$r" "$ref" "$ref_cpu" "$envt" "$env_cpu" "$envck" "$envck_cpu"
    best_ref=$(calc "($ref < $best_ref) ? $ref : $best_ref")
    best_env=$(calc "($envt < $best_env) ? $envt : $best_env")
    best_envck=$(calc "($envck < $best_envck) ? $envck : $best_envck")
done
printf '\nbox: %s MB (%s), best of %d rounds\n' "$((size / 1000000))" "$compress" "$rounds"
printf '%-28s %8s %8s\n' "" "seconds" "ratio"
printf '%-28s %8.2f %8s\n' "curl -o + tar -x" "$best_ref" "1.00x"
printf '%-28s %8.2f %7.2fx\n' "env box add" "$best_env" "$(calc "$best_env / $best_ref")"
printf '%-28s %8.2f %7.2fx\n' "env box add --checksum" "$best_envck" "$(calc "$best_envck / $best_ref")"
