#include "box/metadata.h"

#include "state/provider_names.h"
#include "util/sys.h"

namespace env::box {

namespace {

Result<std::string> get_string(const nlohmann::json& j, const char* key, const std::string& def,
                               bool required) {
    auto it = j.find(key);
    if (it == j.end() || it->is_null()) {
        if (required)
            return fail(ErrorKind::Invalid, std::string("metadata.json: '") + key + "' is missing");
        return def;
    }
    if (!it->is_string())
        return fail(ErrorKind::Invalid,
                    std::string("metadata.json: '") + key + "' must be a string");
    return it->get<std::string>();
}

// A payload name must stay inside the box: relative, no "..", no empty components.
Result<> check_inside(const char* key, const std::string& path) {
    if (path.empty()) return {};
    bool bad = path.front() == '/';
    size_t pos = 0;
    while (!bad && pos <= path.size()) {
        size_t slash = path.find('/', pos);
        std::string comp =
            path.substr(pos, slash == std::string::npos ? std::string::npos : slash - pos);
        if (comp == ".." || (comp.empty() && slash != std::string::npos)) bad = true;
        pos = slash == std::string::npos ? path.size() + 1 : slash + 1;
    }
    if (bad)
        return fail(ErrorKind::Invalid, std::string("metadata.json: '") + key + "' = '" + path +
                                            "' must be a relative path inside the box");
    return {};
}

}  // namespace

Result<Metadata> Metadata::parse(const std::string& text) {
    nlohmann::json j;
    try {
        j = nlohmann::json::parse(text);
    } catch (const nlohmann::json::exception& e) {
        return fail(ErrorKind::Invalid, std::string("metadata.json: ") + e.what());
    }
    if (!j.is_object()) return fail(ErrorKind::Invalid, "metadata.json: not a JSON object");
    Metadata m;
    m.extra = j;
    m.provider = TRY(get_string(j, "provider", "", true));
    m.arch = TRY(get_string(j, "arch", "x86_64", false));
    m.user = TRY(get_string(j, "user", "root", false));
    if (m.provider == state::kContainerProvider) {
        m.format = TRY(get_string(j, "format", "rootfs", false));
        if (m.format != "rootfs")
            return fail(ErrorKind::Invalid,
                        "metadata.json: container format must be 'rootfs', not '" + m.format + "'");
        m.rootfs = TRY(get_string(j, "rootfs", "rootfs", false));
        TRY(check_inside("rootfs", m.rootfs));
        if (m.rootfs.empty()) return fail(ErrorKind::Invalid, "metadata.json: 'rootfs' is empty");
    } else if (m.provider == state::kKvmProvider) {
        m.format = TRY(get_string(j, "format", "raw", false));
        if (m.format != "raw")
            return fail(ErrorKind::Invalid,
                        "metadata.json: kvm format must be 'raw', not '" + m.format + "'");
        m.kernel = TRY(get_string(j, "kernel", "", true));
        m.initrd = TRY(get_string(j, "initrd", "", false));
        m.disk = TRY(get_string(j, "disk", "", true));
        m.cmdline = TRY(get_string(j, "cmdline", "", false));
        TRY(check_inside("kernel", m.kernel));
        TRY(check_inside("initrd", m.initrd));
        TRY(check_inside("disk", m.disk));
    } else {
        return fail(ErrorKind::Invalid, "metadata.json: unknown provider '" + m.provider +
                                            "' (expected " + state::provider_names_text() + ")");
    }
    return m;
}

Result<Metadata> Metadata::load(const std::string& box_dir) {
    auto text = sys::read_file(box_dir + "/metadata.json");
    if (!text) return std::unexpected(text.error());
    auto m = parse(*text);
    if (!m) return std::unexpected(m.error().context(box_dir));
    return m;
}

std::string Metadata::to_json() const {
    return extra.dump(2) + "\n";
}

std::string rootfs_prefix(const Metadata& m) {
    return m.provider == state::kContainerProvider ? m.rootfs : "";
}

}  // namespace env::box
