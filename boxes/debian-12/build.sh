#!/bin/bash
# Builds the Debian 12 box: debootstrap minbase + openssh-server, sudo, iproute2,
# ca-certificates, and a user `env` with passwordless sudo.
#   sudo boxes/debian-12/build.sh [OUT_DIR] [PROVIDER]   (default: boxes/out container)
# Needs root and: apt-get install -y debootstrap zstd
# The mirror comes from the host's apt configuration (boxes/lib/apt_sources.sh).
# Writes OUT_DIR/debian-12-VERSION-PROVIDER.box and OUT_DIR/debian-12.json.
#
# Layout: build_rootfs makes the provider-neutral tree; pack_<provider> turns it into a box.
# The kvm variant (a later issue) adds pack_kvm: linux-image-cloud-amd64 in the rootfs, its
# vmlinuz and an initrd with virtio_pci/virtio_blk/virtio_net taken out, and an ext4
# disk.img made from the tree with `mke2fs -t ext4 -d`, next to a metadata.json naming them.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
. "$here/../lib/common.sh"
. "$here/../lib/apt_sources.sh"

out=$(mkdir -p "${1:-$here/../out}" && cd "${1:-$here/../out}" && pwd)
provider=${2:-container}
version=${VERSION:-12.0.0}
suite=bookworm
[ "$(id -u)" -eq 0 ] || die "debootstrap needs root"
need_packages debootstrap zstd
mirror=$(apt_mirror "$suite")
export SOURCE_DATE_EPOCH=${SOURCE_DATE_EPOCH:-$(stat -c %Y /usr/share/debootstrap/scripts/"$suite")}

stage=$(mktemp -d "$out/.debian-12-stage.XXXXXX")
cleanup() {
    # debootstrap may leave /proc or /sys mounted inside the tree if it is interrupted.
    for m in proc sys dev/pts dev; do umount -l "$stage/rootfs/$m" 2>/dev/null || true; done
    rm -rf --one-file-system "$stage"
}
trap cleanup EXIT

build_rootfs() {
    local root=$1
    debootstrap --variant=minbase --include=openssh-server,sudo,iproute2,ca-certificates \
        "$suite" "$root" "$mirror"

    # apt inside the box uses what the host uses (written into the box, never into git).
    rm -f "$root/etc/apt/sources.list"
    apt_sources | awk -v s="$suite" '$2 == s || index($2, s "-") == 1' | while read -r uri s comps; do
        printf 'Types: deb\nURIs: %s\nSuites: %s\nComponents: %s\nSigned-By: /usr/share/keyrings/debian-archive-keyring.gpg\n\n' \
            "$uri" "$s" "$comps"
    done >"$root/etc/apt/sources.list.d/debian.sources"

    chroot "$root" useradd --create-home --shell /bin/bash --user-group env
    # '*' rather than '!': no password, yet key logins work with or without PAM.
    chroot "$root" usermod -p '*' env
    printf 'env ALL=(ALL) NOPASSWD:ALL\n' >"$root/etc/sudoers.d/env"
    chmod 440 "$root/etc/sudoers.d/env"
    install -d -m 700 -o 1000 -g 1000 "$root/home/env/.ssh"

    # Every machine gets its own host key (DESIGN.md, "Boxes"): none ships in the box.
    rm -f "$root"/etc/ssh/ssh_host_*
    printf 'debian\n' >"$root/etc/hostname"
    : >"$root/etc/machine-id"
    rm -f "$root/etc/resolv.conf"

    # `apt-get install nginx` starts nginx, as on a VM: invoke-rc.d (which package scripts
    # call) needs the runlevel, 2 here (where env-init starts services at boot), and with no
    # init system, a policy-rc.d that allows it.
    printf '#!/bin/sh\n# The runlevel env-init starts services in (no sysvinit here).\necho N 2\n' \
        >"$root/usr/sbin/runlevel"
    printf '#!/bin/sh\n# Lets package scripts start and stop services (invoke-rc.d).\nexit 0\n' \
        >"$root/usr/sbin/policy-rc.d"
    chmod 755 "$root/usr/sbin/runlevel" "$root/usr/sbin/policy-rc.d"

    # The container provider's command (minbase has no init system): the provider's own
    # init is PID 1 and runs this, so that daemons started by provisioners are reaped and
    # get the stop signal on `env halt`, which sshd as PID 1 would not forward.
    cat >"$root/usr/local/sbin/env-init" <<'X'
#!/bin/sh
# The command of a container made from this box (the provider's init runs it). The provider
# has installed the machine's key in /home/env/.ssh/authorized_keys and, when it pins one,
# the host key in /etc/ssh.
set -e
mountpoint -q /proc || mount -t proc proc /proc
[ -f /etc/ssh/ssh_host_ed25519_key ] || ssh-keygen -q -t ed25519 -N '' -f /etc/ssh/ssh_host_ed25519_key
mkdir -p /run/sshd
chmod 700 /home/env/.ssh
[ -f /home/env/.ssh/authorized_keys ] && chmod 600 /home/env/.ssh/authorized_keys && chown -R env:env /home/env/.ssh
# What packages enabled (nginx, haproxy, ...) starts on every boot, as sysvinit would on a
# VM, so services come back after `env halt` + `env up`. ssh is the foreground server below.
for s in /etc/rc2.d/S*; do
    case ${s##*/S??} in ssh) continue ;; esac
    [ -x "$s" ] || continue
    timeout 30 "$s" start </dev/null || echo "env-init: $s start failed" >&2
done
exec /usr/sbin/sshd -D -e
X
    chmod 755 "$root/usr/local/sbin/env-init"

    # What changes from build to build and is of no use in a box.
    rm -rf "$root"/var/cache/apt/archives/*.deb "$root"/var/lib/apt/lists/* "$root"/var/log/* \
        "$root"/var/cache/ldconfig/aux-cache "$root"/var/cache/debconf/*-old "$root"/var/lib/dpkg/*-old \
        "$root"/tmp/* "$root"/root/.bash_history
}

pack_container() {
    cat >"$stage/metadata.json" <<X
{
  "provider": "container",
  "format": "rootfs",
  "arch": "x86_64",
  "user": "env",
  "rootfs": "rootfs",
  "command": ["/usr/local/sbin/env-init"],
  "ssh": {"server": "openssh", "authorized_keys": "/home/env/.ssh/authorized_keys", "host_key_dir": "/etc/ssh"},
  "built_from": {"suite": "$suite", "debootstrap": "$(dpkg-query -W -f='${Version}' debootstrap)"}
}
X
    local box=$out/debian-12-$version-container.box
    pack_box "$stage" "$box" zstd
    write_catalog "$out/debian-12.json" debian-12 "Debian 12 (bookworm) minbase with openssh-server and sudo" \
        "$version" container "$box"
}

case "$provider" in
    container) ;;
    kvm) die "the kvm variant of debian-12 is not built yet (see the layout note at the top of $0)" ;;
    *) die "unknown provider '$provider' (container or kvm)" ;;
esac
build_rootfs "$stage/rootfs"
"pack_$provider"
