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
    auto strings = [](const nlohmann::json& v) {
        if (v.is_string()) return std::vector<std::string>{v.get<std::string>()};
        return v.get<std::vector<std::string>>();
    };
    try {
        auto j = nlohmann::json::parse(text);
        // The flat form the box library and boxes/ recipes write (box/metadata.h).
        if (j.contains("rootfs") && j["rootfs"].is_string()) {
            box.rootfs = box_dir + "/" + j["rootfs"].get<std::string>();
            if (!sys::is_dir(box.rootfs))
                return fail(ErrorKind::Invalid, "box at " + box_dir + " has no " +
                                                    j["rootfs"].get<std::string>() + "/ directory");
        }
        if (j.contains("init")) box.init = strings(j["init"]);
        if (j.contains("command")) box.command = strings(j["command"]);
        box.user = j.value("user", box.user);
        box.stop_signal = j.value("stop_signal", box.stop_signal);
        if (j.contains("ssh") && j["ssh"].is_object()) {
            auto& s = j["ssh"];
            box.ssh_server = s.value("server", "");
            box.authorized_keys = s.value("authorized_keys", "");
            box.host_key_dir = s.value("host_key_dir", "");
        }
        if (j.contains("provider") && j["provider"] != "container")
            return fail(ErrorKind::Invalid, "box at " + box_dir + " is for provider " +
                                                j["provider"].dump() + ", not container");
        if (j.contains("container")) {
            auto& c = j["container"];
            if (c.contains("init")) box.init = strings(c["init"]);
            if (c.contains("command")) box.command = strings(c["command"]);
            box.stop_signal = c.value("stop_signal", box.stop_signal);
            box.user = c.value("user", box.user);
        }
    } catch (const nlohmann::json::exception& e) {
        return fail(ErrorKind::Invalid, meta + ": " + e.what());
    }
    return box;
}

}  // namespace env::container
