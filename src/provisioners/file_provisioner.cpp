#include "provisioners/file_provisioner.h"

#include "provisioners/line_prefixer.h"
#include "provisioners/local_source.h"
#include "provisioners/shell_quote.h"
#include "util/sys.h"

namespace env::provisioners {
namespace {

std::string base_name(std::string p) {
    while (p.size() > 1 && p.back() == '/') p.pop_back();
    auto slash = p.rfind('/');
    return slash == std::string::npos ? p : p.substr(slash + 1);
}

std::string parent_of(std::string p) {
    while (p.size() > 1 && p.back() == '/') p.pop_back();
    auto slash = p.rfind('/');
    if (slash == std::string::npos) return ".";
    return slash == 0 ? "/" : p.substr(0, slash);
}

}  // namespace

Result<> FileProvisioner::provision(const envfile::Machine& machine, ssh::Remote& remote) {
    const std::string& m = machine.name;
    std::string dest = spec_.destination;
    if (dest.empty())
        return fail(ErrorKind::Invalid, m + ": provisioner '" + spec_.name + "': no destination");
    LineTail tail(10);
    LinePrefixer err(console_.prefix(m, true), console_.err, &tail);
    ssh::ExecIo io;
    io.on_stderr = [&](std::string_view d) { err.feed(d); };

    if (dest[0] == '~' && dest != "~" && !dest.starts_with("~/"))
        return fail(ErrorKind::Invalid,
                    m + ": provisioner '" + spec_.name + "': destination '" + dest +
                        "': only '~' and '~/...' (the SSH user's home) are expanded; "
                        "write another user's home as an absolute path");
    if (dest[0] != '/') {
        // The home is the guest's, so it is asked for there rather than guessed.
        std::string home;
        ssh::ExecIo h = io;
        h.on_stdout = [&](std::string_view d) { home.append(d); };
        auto st = remote.exec("printf '%s' \"$HOME\"", h);
        if (!st) return std::unexpected(step_error(st.error(), m, spec_.name));
        err.finish();
        if (*st != 0) return std::unexpected(step_failed(m, spec_.name, *st, tail));
        if (home.empty() || home[0] != '/')
            return fail(ErrorKind::Provider, m + ": provisioner '" + spec_.name +
                                                 "': the SSH user has no home ($HOME is '" + home +
                                                 "') to put '" + dest + "' in");
        std::string rest = dest[0] == '~' ? dest.substr(1) : "/" + dest;
        if (home.back() == '/' && rest.starts_with("/")) rest.erase(0, 1);
        dest = home + rest;
    }

    auto source = LocalSource::open(spec_.project_dir, spec_.source);
    if (!source) return std::unexpected(step_error(source.error(), m, spec_.name));
    bool into = dest.size() > 1 && dest.back() == '/';
    bool source_dir = source->is_dir();
    std::string target;
    std::string prepare;
    if (source_dir) {
        target = into ? dest + base_name(spec_.source) : dest;
        prepare = "mkdir -p -- " + shell_quote(parent_of(target));
    } else {
        // Whether the destination is a directory is only known on the guest: ask while
        // creating the parents, in the same round trip.
        std::string d = shell_quote(dest);
        prepare = "mkdir -p -- " + shell_quote(into ? dest : parent_of(dest)) + " && { [ -d " + d +
                  " ] && echo dir || true; }";
    }
    std::string answer;
    io.on_stdout = [&](std::string_view d) { answer.append(d); };
    auto st = remote.exec(prepare, io);
    if (!st) return std::unexpected(step_error(st.error(), m, spec_.name));
    err.finish();
    if (*st != 0) return std::unexpected(step_failed(m, spec_.name, *st, tail));
    if (!source_dir) {
        bool is_dir = into || answer.starts_with("dir");
        if (is_dir)
            target = (dest.back() == '/' ? dest : dest + "/") + base_name(spec_.source);
        else
            target = dest;
    }

    console_.say(m, "uploading " + spec_.source + " to " + target);
    if (auto r = remote.upload(source->path(), target); !r)
        return std::unexpected(step_error(r.error(), m, spec_.name));
    return {};
}

}  // namespace env::provisioners
