#include "core/project_hosts.h"

#include <fcntl.h>
#include <sys/file.h>
#include <unistd.h>

#include <map>

#include "core/machine_addresses.h"
#include "core/machine_handle.h"
#include "core/machine_record.h"
#include "util/sys.h"

namespace env::core {
namespace {

// network name -> the machine's address on it (machine_addresses.h).
using Addresses = std::map<std::string, std::string>;

std::string names_of(const envfile::Machine& m) {
    std::string h = m.hostname.empty() ? m.name : m.hostname;
    return h == m.name ? h : h + " " + m.name;
}

std::string render(const envfile::Machine& self, const Addresses& mine,
                   const std::vector<std::pair<const envfile::Machine*, Addresses>>& all) {
    std::string out = "# Written by env for the machines of this project; changes are lost.\n";
    out += "127.0.0.1\tlocalhost\n::1\tlocalhost ip6-localhost ip6-loopback\n";
    std::string own = "127.0.1.1";
    for (auto& a : self.networks)
        if (mine.count(a.network)) {
            own = mine.at(a.network);
            break;
        }
    out += own + "\t" + names_of(self) + "\n";
    for (auto& [other, theirs] : all) {
        if (other == &self) continue;
        for (auto& a : self.networks)  // the first network both are on, in self's order
            if (mine.count(a.network) && theirs.count(a.network)) {
                out += theirs.at(a.network) + "\t" + names_of(*other) + "\n";
                break;
            }
    }
    return out;
}

}  // namespace

Result<> update_project_hosts(const Project& p, const std::string& coming) {
    bool any = false;
    for (auto& m : p.envfile.machines) any |= !m.networks.empty();
    if (!any) {  // none (any more): nothing to lock either
        ::unlink((p.state_dir + "/hosts.lock").c_str());
        return {};
    }
    TRY(sys::make_dirs(p.state_dir));
    UniqueFd lock = TRY(sys::open(p.state_dir + "/hosts.lock", O_RDWR | O_CREAT, 0644));
    while (::flock(lock.get(), LOCK_EX) != 0)
        if (errno != EINTR) return fail_errno("lock " + p.state_dir + "/hosts.lock");
    std::vector<std::pair<const envfile::Machine*, Addresses>> all;
    for (auto& m : p.envfile.machines) {
        auto rec = load_record(p.machine_dir(m.name));
        bool going = sys::exists(destroying_marker(p, m.name));  // its dir is being removed
        if (m.name == coming || (rec && rec->has_value() && !going))
            all.emplace_back(&m, machine_addresses(p, m));
    }
    // The last machine gone: the lock goes too, so that .envstate can (destroy_machine).
    if (all.empty()) ::unlink((p.state_dir + "/hosts.lock").c_str());
    for (auto& [m, mine] : all) {
        if (m->networks.empty()) continue;
        std::string dir = p.machine_dir(m->name) + "/etc-env";
        TRY(sys::make_dirs(dir, 0755));
        // Derived from the records and rewritten by every up and destroy: atomic for the
        // machines reading it, not fsynced (N machines coming up rewrite N files each).
        TRY(sys::write_file_atomic(dir + "/hosts", render(*m, mine, all), 0644,
                                   sys::Durability::AtomicOnly));
    }
    return {};
}

}  // namespace env::core
