#include "core/machine_record.h"

#include <sys/stat.h>

#include <nlohmann/json.hpp>

#include "util/sys.h"

namespace env::core {

Result<std::optional<MachineRecord>> load_record(const std::string& machine_dir) {
    std::string path = machine_dir + "/machine.json";
    if (!sys::exists(path)) return std::optional<MachineRecord>{};
    std::string text = TRY(sys::read_file(path));
    auto j = nlohmann::json::parse(text, nullptr, false);
    if (j.is_discarded() || !j.is_object())
        return fail(ErrorKind::Invalid, path + ": corrupt machine record (not a JSON object)");
    MachineRecord r;
    r.provider = j.value("provider", "");
    r.box = j.value("box", "");
    r.box_version = j.value("box_version", "");
    r.box_dir = j.value("box_dir", "");
    r.created = j.value("created", int64_t{0});
    return std::optional<MachineRecord>(std::move(r));
}

Result<> save_record(const std::string& machine_dir, const MachineRecord& r) {
    // Only root may enter a machine's directory: it holds the machine's writable layer, and
    // a setuid-root file made inside the machine must not be a path another host user can
    // run (issue 14). Also tightens a directory made by an older env.
    TRY(sys::make_dirs(machine_dir, 0700));
    std::string machines = machine_dir.substr(0, machine_dir.rfind('/'));
    for (auto& d : {machines, machine_dir})
        if (::chmod(d.c_str(), 0700) != 0) return fail_errno("chmod 0700 " + d);
    nlohmann::json j = {{"provider", r.provider},
                        {"box", r.box},
                        {"box_version", r.box_version},
                        {"box_dir", r.box_dir},
                        {"created", r.created}};
    return sys::write_file_atomic(machine_dir + "/machine.json", j.dump(2) + "\n");
}

}  // namespace env::core
