#include "provisioners/markers.h"

#include <cinttypes>
#include <cstdio>
#include <ctime>

#include "util/sys.h"

namespace env::provisioners {
namespace {

struct Fnv {
    uint64_t h = 0xcbf29ce484222325ull;
    // Each field ends with a NUL so ("ab","c") and ("a","bc") differ.
    void add(std::string_view s) {
        for (unsigned char c : s) h = (h ^ c) * 0x100000001b3ull;
        h = (h ^ 0) * 0x100000001b3ull;
    }
};

}  // namespace

std::string Markers::path(const std::string& name) const {
    std::string f;
    for (unsigned char c : name) {
        bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
                  c == '_' || c == '-' || (c == '.' && !f.empty());
        if (ok) {
            f += static_cast<char>(c);
        } else {
            char buf[4];
            std::snprintf(buf, sizeof buf, "%%%02X", c);
            f += buf;
        }
    }
    return dir_ + "/" + f + ".done";
}

std::optional<Marker> Markers::read(const std::string& name) const {
    auto text = sys::read_file(path(name));
    if (!text) return std::nullopt;
    Marker m;
    size_t pos = 0;
    while (pos < text->size()) {
        size_t nl = text->find('\n', pos);
        if (nl == std::string::npos) nl = text->size();
        std::string_view line(text->data() + pos, nl - pos);
        if (line.starts_with("finished: ")) m.finished = line.substr(10);
        if (line.starts_with("hash: ")) m.hash = line.substr(6);
        pos = nl + 1;
    }
    return m;
}

Result<> Markers::record(const std::string& name, const std::string& hash) const {
    TRY(sys::make_dirs(dir_));
    std::time_t now = std::time(nullptr);
    std::tm utc{};
    ::gmtime_r(&now, &utc);
    char when[32];
    std::strftime(when, sizeof when, "%FT%TZ", &utc);
    std::string text = "name: " + name + "\nfinished: " + when +
                       "\nhash: " + hash + "\n";
    return sys::write_file_atomic(path(name), text);
}

std::string content_hash(const envfile::Provisioner& p) {
    Fnv f;
    f.add(p.kind == envfile::Provisioner::Kind::Shell ? "shell" : "file");
    f.add(p.inline_script);
    f.add(p.path);
    // Unreadable files hash as their path only: the hash is informative, not a gate.
    if (!p.path.empty()) f.add(sys::read_file(p.path).value_or(""));
    for (auto& a : p.args) f.add(a);
    for (auto& [k, v] : p.env) {
        f.add(k);
        f.add(v);
    }
    f.add(p.privileged ? "root" : "user");
    f.add(p.source);
    if (!p.source.empty() && !sys::is_dir(p.source)) f.add(sys::read_file(p.source).value_or(""));
    f.add(p.destination);
    char buf[32];
    std::snprintf(buf, sizeof buf, "fnv1a64:%016" PRIx64, f.h);
    return buf;
}

}  // namespace env::provisioners
