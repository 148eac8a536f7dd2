#include "state/machine_index.h"

#include <fcntl.h>
#include <sys/file.h>

#include <nlohmann/json.hpp>

#include "util/sys.h"

namespace env::state {
namespace {

using nlohmann::json;

// Shared for reads, exclusive for read-modify-write; released with the fd.
Result<UniqueFd> lock_index(const std::string& path, int how) {
    TRY(sys::make_dirs(path.substr(0, path.rfind('/'))));
    UniqueFd fd = TRY(sys::open(path + ".lock", O_RDWR | O_CREAT, 0644));
    while (::flock(fd.get(), how) != 0)
        if (errno != EINTR) return fail_errno("lock " + path + ".lock");
    return fd;
}

Result<std::vector<IndexEntry>> read_entries(const std::string& path) {
    std::vector<IndexEntry> out;
    if (!sys::exists(path)) return out;
    std::string text = TRY(sys::read_file(path));
    json j = json::parse(text, nullptr, false);
    if (j.is_discarded() || !j.is_object())
        return fail(ErrorKind::Invalid, path + ": not a machine index (invalid JSON)");
    for (auto& m : j.value("machines", json::array())) {
        if (!m.is_object()) continue;
        IndexEntry e;
        e.project_dir = m.value("project_dir", "");
        e.envfile = m.value("envfile", "");
        e.machine = m.value("machine", "");
        e.provider = m.value("provider", "");
        e.box = m.value("box", "");
        e.box_version = m.value("box_version", "");
        e.state = m.value("state", "");
        e.updated = m.value("updated", int64_t{0});
        if (!e.project_dir.empty() && !e.machine.empty()) out.push_back(std::move(e));
    }
    return out;
}

Result<> write_entries(const std::string& path, const std::vector<IndexEntry>& entries) {
    json arr = json::array();
    for (auto& e : entries)
        arr.push_back({{"project_dir", e.project_dir},
                       {"envfile", e.envfile},
                       {"machine", e.machine},
                       {"provider", e.provider},
                       {"box", e.box},
                       {"box_version", e.box_version},
                       {"state", e.state},
                       {"updated", e.updated}});
    return sys::write_file_atomic(path, json{{"version", 1}, {"machines", arr}}.dump(2) + "\n");
}

}  // namespace

Result<std::vector<IndexEntry>> MachineIndex::load() const {
    UniqueFd lock = TRY(lock_index(path_, LOCK_SH));
    return read_entries(path_);
}

template <typename F>
Result<> MachineIndex::update(F&& change) {
    UniqueFd lock = TRY(lock_index(path_, LOCK_EX));
    auto entries = TRY(read_entries(path_));
    change(entries);
    return write_entries(path_, entries);
}

Result<> MachineIndex::upsert(const IndexEntry& e) {
    return update([&](std::vector<IndexEntry>& v) {
        for (auto& x : v)
            if (x.project_dir == e.project_dir && x.machine == e.machine) {
                x = e;
                return;
            }
        v.push_back(e);
    });
}

Result<> MachineIndex::remove(const std::string& project_dir, const std::string& machine) {
    return update([&](std::vector<IndexEntry>& v) {
        std::erase_if(v, [&](const IndexEntry& x) {
            return x.project_dir == project_dir && x.machine == machine;
        });
    });
}

Result<std::vector<IndexEntry>> MachineIndex::prune() {
    std::vector<IndexEntry> gone;
    TRY(update([&](std::vector<IndexEntry>& v) {
        std::erase_if(v, [&](const IndexEntry& x) {
            bool stale = !sys::exists(x.envfile) ||
                         !sys::is_dir(x.project_dir + "/.envstate/machines/" + x.machine);
            if (stale) gone.push_back(x);
            return stale;
        });
    }));
    return gone;
}

}  // namespace env::state
