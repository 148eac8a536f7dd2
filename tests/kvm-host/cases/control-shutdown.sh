. /kvm-host/lib.sh
# The control socket's `shutdown` (Ctrl-Alt-Del) reaches the guest's init as SIGINT, which
# powers off: env-vmm exits 0.
vmm_start console.log --kernel "$BZIMAGE" --initrd "$INITRD" --control-socket ctl.sock \
    --cmdline "$CMDLINE pg=shutdown"
wait_for console.log 'PG-READY' 180
reply=$(ctl ctl.sock '{"cmd":"shutdown"}')
echo "shutdown -> $reply"
case $reply in *'"ok":true'*) ;; *) fail "shutdown refused: $reply" ;; esac
wait_for console.log 'PG-GOT-SIGINT' 60
vmm_wait console.log 60
[ "$VMM_RC" = 0 ] || fail "shutdown: env-vmm exited with $VMM_RC, not 0"
echo "ok: shutdown -> SIGINT in the guest -> poweroff -> status 0"
