#include "providers/container/machine_keys.h"

#include "host/dropbear_key.h"
#include "util/sys.h"

namespace env::container {
namespace {

bool runs_dropbear(const ContainerBox& box) {
    if (!box.ssh_server.empty()) return box.ssh_server == "dropbear";
    return !box.command.empty() && box.command[0].find("dropbear") != std::string::npos;
}

}  // namespace

Result<std::vector<SeedFile>> ssh_key_seeds(const ContainerBox& box, const std::string& user,
                                            const ssh::MachineKeys& keys) {
    std::vector<SeedFile> out;
    std::string owner = user == "root" ? "" : user;
    std::string authorized = box.authorized_keys;
    if (authorized.empty() || user != box.user) {
        auto pw = lookup_user(box.rootfs, user);
        if (!pw)
            return std::unexpected(
                pw.error().context("SSH user '" + user + "' of the box (set ssh_user?)"));
        authorized = pw->home + "/.ssh/authorized_keys";
    }
    out.push_back({authorized, TRY(sys::read_file(keys.public_key_file)), 0600, owner});
    if (runs_dropbear(box)) {
        std::string dir = box.host_key_dir.empty() ? "/etc/dropbear" : box.host_key_dir;
        out.push_back({dir + "/dropbear_ed25519_host_key",
                       TRY(host::dropbear_host_key_from_openssh(keys.host_key_file)), 0600, ""});
    } else {
        std::string dir = box.host_key_dir.empty() ? "/etc/ssh" : box.host_key_dir;
        out.push_back(
            {dir + "/ssh_host_ed25519_key", TRY(sys::read_file(keys.host_key_file)), 0600, ""});
        out.push_back({dir + "/ssh_host_ed25519_key.pub",
                       TRY(sys::read_file(keys.host_public_key_file)), 0644, ""});
    }
    return out;
}

}  // namespace env::container
