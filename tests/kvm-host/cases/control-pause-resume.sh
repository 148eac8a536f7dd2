. /kvm-host/lib.sh
# pause stops a running kernel (its ticks stop, status says paused), resume restarts it.
vmm_start console.log --kernel "$BZIMAGE" --initrd "$INITRD" --control-socket ctl.sock \
    --cmdline "$CMDLINE pg=ticks"
wait_for console.log 'PG-TICK 2$' 180
reply=$(ctl ctl.sock '{"cmd":"pause"}')
case $reply in *'"state":"paused"'*) ;; *) fail "pause: $reply" ;; esac
sleep 1 # a tick on its way through the console when the pause came
before=$(grep -c PG-TICK console.log)
sleep 3
after=$(grep -c PG-TICK console.log)
[ "$before" = "$after" ] || fail "ticks went on while paused ($before -> $after)"
echo "ok: no ticks for 3 s while paused ($before)"
case $(ctl ctl.sock '{"cmd":"status"}') in *'"state":"paused"'*) ;; *) fail "status does not say paused" ;; esac
reply=$(ctl ctl.sock '{"cmd":"resume"}')
case $reply in *'"state":"running"'*) ;; *) fail "resume: $reply" ;; esac
wait_for console.log "PG-TICK $((after + 2))\$" 30
echo "ok: ticks resumed"
# Ended with `kill` (status 12): `shutdown` is control-shutdown's to show.
ctl ctl.sock '{"cmd":"kill"}' > /dev/null
vmm_wait console.log 60
[ "$VMM_RC" = 12 ] || fail "kill: env-vmm exited with $VMM_RC, not 12"
