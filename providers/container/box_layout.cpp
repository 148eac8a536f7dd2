#include "providers/container/box_layout.h"

#include <nlohmann/json.hpp>

#include "util/sys.h"

namespace env::container {

Result<ContainerBox> read_container_box(const std::string& box_dir) {
    ContainerBox box;
    box.rootfs = box_dir + "/rootfs";
    if (!sys::is_dir(box.rootfs))
        return fail(ErrorKind::Invalid,
                    "box at " + box_dir + " has no rootfs/ directory (is it a container box?)");
    std::string meta = box_dir + "/metadata.json";
    if (!sys::exists(meta)) return box;
    auto text = TRY(sys::read_file(meta));
    try {
        auto j = nlohmann::json::parse(text);
        if (j.contains("provider") && j["provider"] != "container")
            return fail(ErrorKind::Invalid, "box at " + box_dir + " is for provider " +
                                                j["provider"].dump() + ", not container");
        if (j.contains("container")) {
            auto& c = j["container"];
            if (c.contains("init")) box.init = c["init"].get<std::vector<std::string>>();
            if (c.contains("command")) box.command = c["command"].get<std::vector<std::string>>();
            box.stop_signal = c.value("stop_signal", box.stop_signal);
            box.user = c.value("user", box.user);
        }
    } catch (const nlohmann::json::exception& e) {
        return fail(ErrorKind::Invalid, meta + ": " + e.what());
    }
    return box;
}

}  // namespace env::container
