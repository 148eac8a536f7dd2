. /kvm-host/lib.sh
# The control socket's console is an interactive shell: a command typed through it runs
# (its output, not the echo of the typed text, carries the product 42), `poweroff -f`
# typed the same way ends env-vmm with 0.
vmm_start console.log --kernel "$BZIMAGE" --initrd "$INITRD" --control-socket ctl.sock \
    --cmdline "$CMDLINE pg=console"
wait_for console.log 'PG-SHELL' 180
(printf '{"cmd":"console"}\n'; sleep 2; printf 'echo PG-CONSOLE-$((6 * 7))\n'; sleep 5
    printf 'poweroff -f\n'; sleep 2) | socat -t 5 - UNIX-CONNECT:ctl.sock > console-socket.log &
pids="$pids $!"
vmm_wait console.log 90
tr -d '\r' < console-socket.log | tail -n 20
grep -q 'PG-CONSOLE-42' console-socket.log || fail "the typed command's output did not come back over the socket"
echo "ok: interactive shell over the control socket"
[ "$VMM_RC" = 0 ] || fail "env-vmm exited with $VMM_RC"
