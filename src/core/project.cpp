#include "core/project.h"

#include <unistd.h>

#include <climits>
#include <cstdlib>
#include <regex>

#include "envfile/load.h"
#include "util/sys.h"

namespace env::core {
namespace {

std::string absolute(const std::string& p) {
    char buf[PATH_MAX];
    if (::realpath(p.c_str(), buf)) return buf;
    if (!p.empty() && p[0] == '/') return p;
    char cwd[PATH_MAX];
    if (!::getcwd(cwd, sizeof cwd)) return p;
    return std::string(cwd) + "/" + p;
}

std::string dirname_of(const std::string& p) {
    auto s = p.rfind('/');
    if (s == std::string::npos) return ".";
    return s == 0 ? "/" : p.substr(0, s);
}

}  // namespace

Result<std::string> find_envfile(const std::string& explicit_path) {
    std::string given = explicit_path;
    if (given.empty()) {
        if (const char* e = std::getenv("ENVFILE"); e && *e) given = e;
    }
    if (!given.empty()) {
        if (sys::is_dir(given)) given += "/Envfile";
        if (!sys::exists(given)) return fail(ErrorKind::NotFound, "no Envfile at " + given);
        return absolute(given);
    }
    char cwd[PATH_MAX];
    if (!::getcwd(cwd, sizeof cwd)) return fail_errno("getcwd");
    for (std::string dir = cwd;;) {
        std::string candidate = (dir == "/" ? "" : dir) + "/Envfile";
        if (sys::exists(candidate)) return candidate;
        if (dir == "/") break;
        dir = dirname_of(dir);
    }
    return fail(ErrorKind::NotFound,
                std::string("no Envfile in ") + cwd +
                    " or any parent directory (create one with `env init`, or pass -f FILE)");
}

std::string project_name_for(const std::string& dir) {
    std::string base = dir.substr(dir.rfind('/') + 1);
    std::string clean;
    for (char c : base) {
        char l = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
        if ((l >= 'a' && l <= 'z') || (l >= '0' && l <= '9')) clean += l;
        if (clean.size() == 8) break;
    }
    if (clean.empty()) clean = "p";
    // FNV-1a: stable across runs and builds, unlike std::hash.
    uint32_t h = 2166136261u;
    for (unsigned char c : dir) h = (h ^ c) * 16777619u;
    char hex[8];
    std::snprintf(hex, sizeof hex, "%04x", (h ^ (h >> 16)) & 0xffff);
    return clean + hex;
}

Result<Project> Project::open(const std::string& explicit_path) {
    std::string path = TRY(find_envfile(explicit_path));
    Project p;
    p.envfile = TRY(envfile::load(path));
    p.dir = dirname_of(path);
    p.state_dir = p.dir + "/.envstate";
    p.name = project_name_for(p.dir);
    return p;
}

Result<std::vector<const envfile::Machine*>> Project::select(
    const std::vector<std::string>& targets) const {
    std::vector<const envfile::Machine*> out;
    auto add = [&](const envfile::Machine* m) {
        for (auto* o : out)
            if (o == m) return;
        out.push_back(m);
    };
    if (targets.empty()) {
        for (auto& m : envfile.machines) out.push_back(&m);
        return out;
    }
    std::string known;
    for (auto& m : envfile.machines) known += (known.empty() ? "" : ", ") + m.name;
    for (auto& t : targets) {
        if (t.size() >= 2 && t.front() == '/' && t.back() == '/') {
            std::regex re;
            try {
                re = std::regex(t.substr(1, t.size() - 2));
            } catch (const std::regex_error& e) {
                return fail(ErrorKind::Usage, "bad machine pattern " + t + ": " + e.what());
            }
            size_t before = out.size();
            for (auto& m : envfile.machines)
                if (std::regex_search(m.name, re)) add(&m);
            if (out.size() == before)
                return fail(ErrorKind::NotFound,
                            "no machine matches " + t + " (machines: " + known + ")");
            continue;
        }
        const envfile::Machine* m = envfile.find(t);
        if (!m) return fail(ErrorKind::NotFound, "no machine named '" + t + "' (machines: " + known + ")");
        add(m);
    }
    // Keep Envfile order whatever order the targets came in, like Vagrant.
    std::vector<const envfile::Machine*> ordered;
    for (auto& m : envfile.machines)
        for (auto* o : out)
            if (o == &m) ordered.push_back(o);
    return ordered;
}

}  // namespace env::core
