#pragma once
// What env itself remembers about a created machine, in .envstate/machines/<name>/machine.json:
// which provider owns it and which box it came from. The provider keeps its own files beside
// it. No record means the machine was never created (or was destroyed).
#include <optional>
#include <string>

#include "util/error.h"

namespace env::core {

struct MachineRecord {
    std::string provider;
    std::string box;
    std::string box_version;
    std::string box_dir;
    int64_t created = 0;  // unix seconds
};

Result<std::optional<MachineRecord>> load_record(const std::string& machine_dir);
Result<> save_record(const std::string& machine_dir, const MachineRecord& r);

}  // namespace env::core
