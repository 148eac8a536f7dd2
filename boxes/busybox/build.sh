#!/bin/bash
# Builds the busybox test box: busybox-static + dropbear, root login by key. Seconds.
#   boxes/busybox/build.sh [OUT_DIR]      (default: boxes/out)
# Needs: apt-get install -y busybox-static dropbear-bin   (no root needed to build)
# Writes OUT_DIR/busybox-VERSION-container.box and OUT_DIR/busybox.json (its catalog).
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
. "$here/../lib/common.sh"

out=$(mkdir -p "${1:-$here/../out}" && cd "${1:-$here/../out}" && pwd)
version=${VERSION:-1.0.0}
need_packages busybox-static dropbear-bin
# Reproducible: times come from the busybox package, not the clock.
export SOURCE_DATE_EPOCH=${SOURCE_DATE_EPOCH:-$(stat -c %Y /usr/share/doc/busybox-static/changelog.Debian.gz)}

stage=$(mktemp -d "$out/.busybox-stage.XXXXXX")
trap 'rm -rf "$stage"' EXIT
root=$stage/rootfs
mkdir -p "$root"/{usr/bin,usr/sbin,usr/lib/x86_64-linux-gnu,usr/lib64,etc/init.d,etc/dropbear,dev,proc,sys,run,tmp,var/log,root/.ssh}
# Merged /usr, as Debian 12.
ln -s usr/bin "$root/bin"; ln -s usr/sbin "$root/sbin"; ln -s usr/lib "$root/lib"; ln -s usr/lib64 "$root/lib64"
chmod 1777 "$root/tmp"; chmod 700 "$root/root" "$root/root/.ssh"

install -m 755 /bin/busybox "$root/usr/bin/busybox"
for applet in $(/bin/busybox --list-full); do
    dest=$root/usr/${applet#usr/}
    [ -e "$dest" ] || ln -s /usr/bin/busybox "$dest"
done

# dropbear is dynamically linked: copy it and every library ldd names, at the same path.
install -m 755 /usr/sbin/dropbear "$root/usr/sbin/dropbear"
for lib in $(ldd /usr/sbin/dropbear | grep -o '/[^ ]*'); do
    real=$(readlink -f "$lib")
    rel=${lib#/}; rel=usr/${rel#usr/}
    install -D -m 755 "$real" "$root/$rel"
done

cat >"$root/etc/passwd" <<'X'
root:x:0:0:root:/root:/bin/sh
nobody:x:65534:65534:nobody:/nonexistent:/bin/false
X
# '*' (not '!'): no password, but not locked, so dropbear accepts a key.
printf 'root:*:19000:0:99999:7:::\nnobody:*:19000:0:99999:7:::\n' >"$root/etc/shadow"
chmod 600 "$root/etc/shadow"
printf 'root:x:0:\nnogroup:x:65534:\n' >"$root/etc/group"
printf '/bin/sh\n' >"$root/etc/shells"
printf 'passwd: files\ngroup: files\nshadow: files\nhosts: files dns\n' >"$root/etc/nsswitch.conf"
printf 'busybox\n' >"$root/etc/hostname"

cat >"$root/etc/inittab" <<'X'
::sysinit:/etc/init.d/rcS
::respawn:/usr/sbin/dropbear -F -E -R -s -p 22
::ctrlaltdel:/bin/reboot
::shutdown:/bin/umount -a -r
X
cat >"$root/etc/init.d/rcS" <<'X'
#!/bin/sh
# First thing at boot. The provider has already mounted /dev (and usually /proc, /sys),
# installed the machine's public key in /root/.ssh/authorized_keys and, when it pins the
# host key, /etc/dropbear/dropbear_ed25519_host_key. Otherwise dropbear -R makes one.
# Each test is the shell's builtin: busybox runs `mountpoint` as a new process (an exec, about
# a millisecond on a nested VM), three of them a third of this box's boot.
[ -e /proc/self/stat ] || mount -t proc proc /proc
[ -d /sys/kernel ] || mount -t sysfs sysfs /sys 2>/dev/null
[ -d /dev/pts ] || mkdir -p /dev/pts
[ -e /dev/pts/ptmx ] || mount -t devpts -o gid=5,mode=620,ptmxmode=666 devpts /dev/pts 2>/dev/null
hostname -F /etc/hostname
ip link set lo up 2>/dev/null
chmod 700 /root /root/.ssh
[ -f /root/.ssh/authorized_keys ] && chmod 600 /root/.ssh/authorized_keys
exit 0
X
chmod 755 "$root/etc/init.d/rcS"

cat >"$stage/metadata.json" <<X
{
  "provider": "container",
  "format": "rootfs",
  "arch": "x86_64",
  "user": "root",
  "rootfs": "rootfs",
  "init": "/sbin/init",
  "ssh": {"server": "dropbear", "authorized_keys": "/root/.ssh/authorized_keys", "host_key_dir": "/etc/dropbear"},
  "built_from": {"busybox-static": "$(dpkg-query -W -f='${Version}' busybox-static)", "dropbear-bin": "$(dpkg-query -W -f='${Version}' dropbear-bin)"}
}
X

box=$out/busybox-$version-container.box
pack_box "$stage" "$box" gzip
write_catalog "$out/busybox.json" busybox "busybox-static + dropbear test box" "$version" container "$box"
