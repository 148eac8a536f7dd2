// Debian's cloud kernel with env-vmm's virtio devices, end to end: an initrd (busybox-static,
// dropbear-bin and its libraries from the host, the virtio modules from the fetched kernel
// package, in fetch-kernel.sh's load order) loads the modules, mounts the ext4 disk, takes a
// DHCP lease from slirp and runs dropbear; the host logs in through the NIC's forward with
// env's own SSH client (pinned host key) and checks the disk and the rng. Runs where KVM is
// hardware-accelerated; the speed probe decides, and a skip says what it measured.
#include <catch2/catch.hpp>
#include <cstdlib>
#include <set>
#include <sstream>

#include "net/port_allocator.h"
#include "ssh/exec.h"
#include "ssh/keys.h"
#include "ssh/session.h"
#include "stock_linux_support.h"

using namespace env;
using namespace env::kvm::test;

namespace {
const char* kInit = R"SH(#!/bin/busybox sh
/bin/busybox --install -s /bin
export PATH=/bin:/usr/sbin
mount -t proc proc /proc
mount -t sysfs sysfs /sys
mount -t devtmpfs devtmpfs /dev
mkdir -p /dev/pts && mount -t devpts devpts /dev/pts
for m in $(cat /lib/modules/modules.load); do insmod /lib/modules/$m || echo "ENV-INSMOD-FAILED $m"; done
mount -t ext4 /dev/vda /mnt && echo "ENV-DISK: $(cat /mnt/hello.txt)"
ip link set lo up
ip link set eth0 up
udhcpc -i eth0 -s /etc/udhcpc.script -q -n -t 20 || echo ENV-DHCP-FAILED
/usr/sbin/dropbear -r /etc/dropbear/host_key -F -E -s -p 22 -P /tmp/dropbear.pid &
echo ENV-SSH-READY
while true; do sleep 3600; done
)SH";
// busybox udhcpc exports ip, mask (prefix length) and router.
const char* kDhcpScript = R"SH(#!/bin/sh
case "$1" in
bound|renew)
    ip addr add "$ip/$mask" dev "$interface"
    [ -n "$router" ] && ip route add default via "$router"
    echo "ENV-DHCP: $ip via $router" ;;
esac
)SH";

std::string run(const std::string& cmd) {
    std::string out;
    FILE* p = ::popen(cmd.c_str(), "r");
    if (!p) return out;
    char b[4096];
    size_t n;
    while ((n = fread(b, 1, sizeof b, p)) > 0) out.append(b, n);
    ::pclose(p);
    return out;
}

// Adds `path` (absolute on the host) at the same path in the archive, with its parents.
void add_host_file(Cpio& c, std::set<std::string>& dirs, const std::string& path, uint32_t mode) {
    for (size_t at = path.find('/', 1); at != std::string::npos; at = path.find('/', at + 1)) {
        std::string d = path.substr(1, at - 1);
        if (dirs.insert(d).second) c.add(d, 040755);
    }
    c.add(path.substr(1), mode, sys::read_file(path).value_or(""));
}

std::string build_initrd(const std::string& cache, const std::string& authorized_key,
                         const std::string& host_key) {
    Cpio c;
    std::set<std::string> dirs;
    for (std::string d : {"bin", "dev", "proc", "sys", "tmp", "mnt", "etc", "etc/dropbear", "lib",
                          "lib/modules", "usr", "usr/sbin", "var", "var/run"}) {
        c.add(d, 040755);
        dirs.insert(d);
    }
    c.add("root", 040700);
    c.add("root/.ssh", 040700);
    c.add("dev/console", 020600, {}, 5, 1);
    c.add("bin/busybox", 0100755, *sys::read_file(cache + "/busybox"));
    c.add("init", 0100755, kInit);
    c.add("etc/udhcpc.script", 0100755, kDhcpScript);
    c.add("etc/passwd", 0100644, "root:x:0:0:root:/root:/bin/sh\n");
    c.add("etc/group", 0100644, "root:x:0:\n");
    c.add("etc/shells", 0100644, "/bin/sh\n");
    c.add("root/.ssh/authorized_keys", 0100600, authorized_key);
    c.add("etc/dropbear/host_key", 0100600, host_key);
    std::string order = *sys::read_file(cache + "/modules.load");
    c.add("lib/modules/modules.load", 0100644, order);
    std::istringstream names(order);
    for (std::string m; std::getline(names, m);)
        if (!m.empty())
            c.add("lib/modules/" + m, 0100644, *sys::read_file(cache + "/modules/" + m));
    // dropbear is dynamically linked: its libraries and the loader, at their host paths.
    add_host_file(c, dirs, "/usr/sbin/dropbear", 0100755);
    std::istringstream ldd(run("ldd /usr/sbin/dropbear"));
    for (std::string line; std::getline(ldd, line);) {
        auto slash = line.find('/');
        if (slash == std::string::npos) continue;
        std::string path = line.substr(slash, line.find(' ', slash) - slash);
        add_host_file(c, dirs, path, 0100755);
    }
    return c.finish();
}
}  // namespace

TEST_CASE(
    "stock Linux with virtio disk, NIC and rng: dropbear reached over SSH through the slirp "
    "forward",
    "[kvm][slow]") {
    KVM_SKIP_UNLESS_AVAILABLE();
    auto dir = cache_dir();
    if (!dir || !sys::exists(*dir + "/vmlinuz") || !sys::exists(*dir + "/busybox") ||
        !sys::exists(*dir + "/modules.load")) {
        ENV_SKIP(kNoKernel);
    }
    for (const char* tool : {"/usr/sbin/dropbear", "/usr/bin/dropbearconvert", "/sbin/mke2fs"})
        if (!sys::exists(tool)) {
            ENV_SKIP(tool << " is missing (dropbear-bin, e2fsprogs)");
        }
    auto probe = run_probe();
    // ENV_KVM_STOCK_FORCE=1 runs it anyway (the emulated development hosts need most of an
    // hour for it), with every wait stretched accordingly.
    const bool forced = std::getenv("ENV_KVM_STOCK_FORCE") != nullptr;
    const int slow = probe.accelerated ? 1 : 20;
    if (!probe.accelerated && !forced) {
        ENV_SKIP("KVM here is not hardware-accelerated; the probe measured "
                 << probe.mips
                 << " M guest instructions/s (a stock kernel would take many minutes).\n"
                 << probe.text);
    }

    VmmProcess vmm;
    const std::string d = vmm.dir.path;
    auto keys = ssh::ensure_machine_keys(d + "/keys", "stock");
    REQUIRE(keys);
    REQUIRE(run("/usr/bin/dropbearconvert openssh dropbear " + keys->host_key_file + " " + d +
                "/dropbear_host_key >/dev/null 2>&1 && echo ok") == "ok\n");
    REQUIRE(sys::make_dirs(d + "/disk"));
    REQUIRE(sys::write_file_atomic(d + "/disk/hello.txt", "written on the host\n"));
    REQUIRE(run("/sbin/mke2fs -q -F -t ext4 -d " + d + "/disk " + d +
                "/disk.img 16M >/dev/null 2>&1 && echo ok") == "ok\n");
    REQUIRE(sys::write_file_atomic(d + "/initrd",
                                   build_initrd(*dir, *sys::read_file(keys->public_key_file),
                                                *sys::read_file(d + "/dropbear_host_key"))));
    auto reserved = net::reserve_port(net::Proto::Tcp);
    REQUIRE(reserved);
    int port = reserved->port();
    reserved->release();

    vmm.start({"--kernel", *dir + "/vmlinuz", "--initrd", d + "/initrd", "--memory", "512",
               "--disk", d + "/disk.img", "--nic",
               "slirp,forward=tcp:127.0.0.1:" + std::to_string(port) + "-22", "--cmdline",
               "console=ttyS0 reboot=k panic=-1 rdinit=/init i8042.noaux i8042.nomux "
               "i8042.dumbkbd"});
    INFO("console:\n" << vmm.output() << "\nstderr:\n" << vmm.errors());
    REQUIRE(vmm.wait_for_output("ENV-SSH-READY", 180s * slow));
    CHECK(vmm.output().find("ENV-DISK: written on the host") != std::string::npos);
    CHECK(vmm.output().find("ENV-DHCP: 10.0.2.15 via 10.0.2.2") != std::string::npos);
    CHECK(vmm.output().find("ENV-INSMOD-FAILED") == std::string::npos);

    ssh::ConnectOptions o;
    o.machine = "stock";
    o.port = port;
    o.user = "root";
    o.identity_file = keys->identity_file;
    o.host_public_key_file = keys->host_public_key_file;
    o.attempt_timeout = std::chrono::milliseconds(5000 * slow);
    auto conn = ssh::connect_with_retry(o, 60s * slow);
    REQUIRE(conn);
    auto out = ssh::exec_capture(
        conn->session,
        "cat /mnt/hello.txt; cat /sys/class/misc/hw_random/rng_current; "
        "echo written-by-guest > /mnt/guest.txt; sync; head -c 16 /dev/hwrng | wc -c");
    REQUIRE(out);
    CHECK(out->status == 0);
    CHECK(out->out == "written on the host\nvirtio_rng.0\n16\n");
    // Power off (ACPI S5 through the minimal tables): env-vmm exits 0.
    (void)ssh::exec_capture(conn->session, "umount /mnt; poweroff -f");
    auto status = vmm.wait(60s * slow);
    REQUIRE(status);
    CHECK(*status == 0);
}
