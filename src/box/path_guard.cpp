#include "box/path_guard.h"

namespace env::box {

namespace {

std::vector<std::string> split(const std::string& p) {
    std::vector<std::string> out;
    size_t pos = 0;
    while (pos <= p.size()) {
        size_t slash = p.find('/', pos);
        if (slash == std::string::npos) slash = p.size();
        std::string c = p.substr(pos, slash - pos);
        if (!c.empty() && c != ".") out.push_back(c);
        pos = slash + 1;
    }
    return out;
}

}  // namespace

Result<std::string> normalize_member(const std::string& name) {
    if (name.starts_with("/"))
        return fail(ErrorKind::Invalid, "entry '" + name + "': absolute path");
    std::string out;
    for (auto& c : split(name)) {
        if (c == "..") return fail(ErrorKind::Invalid, "entry '" + name + "': '..' leaves the box");
        out += out.empty() ? c : "/" + c;
    }
    return out;
}

bool is_under(const std::string& path, const std::string& dir) {
    if (dir.empty()) return true;
    return path == dir ||
           (path.size() > dir.size() && path.starts_with(dir) && path[dir.size()] == '/');
}

bool symlink_stays_inside(const std::string& link, const std::string& target,
                          const std::string& rootfs) {
    if (target.empty()) return false;
    bool in_rootfs = !rootfs.empty() && is_under(link, rootfs) && link != rootfs;
    if (target.front() == '/' && !in_rootfs) return false;
    // The stack holds the components of where we are, relative to the jail (rootfs or box).
    std::vector<std::string> stack;
    if (target.front() != '/') {
        auto parts = split(link);
        parts.pop_back();  // the link's own name
        size_t skip = in_rootfs ? split(rootfs).size() : 0;
        stack.assign(parts.begin() + static_cast<long>(skip), parts.end());
    }
    for (auto& c : split(target)) {
        if (c == "..") {
            if (stack.empty()) return false;
            stack.pop_back();
        } else {
            stack.push_back(c);
        }
    }
    return true;
}

}  // namespace env::box
