#include "envfile/load.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <yaml-cpp/yaml.h>

#include <array>
#include <filesystem>

#include "envfile/checks.h"
#include "envfile/machine_reader.h"
#include "envfile/network_reader.h"
#include "envfile/provision_reader.h"
#include "envfile/reader.h"
#include "util/sys.h"

namespace env::envfile {
namespace {

constexpr std::array<std::string_view, 5> top_keys{"version", "defaults", "networks", "provision",
                                                   "machines"};

void read_document(Reader& r, const YAML::Node& root, Envfile& e) {
    Field top{"Envfile", root, root};
    if (!root || root.IsNull()) {
        r.error(Mark{1, 1}, "the Envfile is empty: it needs at least 'machines:'");
        return;
    }
    std::optional<Field> defaults, networks, provision, machines;
    bool ok = r.map(top, top_keys, [&](const Field& k) {
        if (k.name == "version") {
            if (auto v = r.integer(k, 1, 1000); v && *v != 1)
                r.error(k,
                        "unsupported version " + std::to_string(*v) + ": this env reads version 1");
        } else if (k.name == "defaults") {
            defaults = k;
        } else if (k.name == "networks") {
            networks = k;
        } else if (k.name == "provision") {
            provision = k;
        } else if (k.name == "machines") {
            machines = k;
        }
    });
    if (!ok) return;
    // Dependencies first (machines refer to networks and defaults), whatever the file order;
    // messages are sorted into file order at the end.
    if (networks) read_network_definitions(r, *networks, e.networks);
    r.networks = &e.networks;
    Defaults d;
    if (defaults) read_defaults(r, *defaults, d);
    std::vector<Provisioner> global;
    if (provision) read_provisioners(r, *provision, global);
    if (!machines) {
        r.error(Mark{1, 1}, "no 'machines:': an Envfile declares at least one machine");
        return;
    }
    if (!machines->value || machines->value.IsNull() ||
        (machines->value.IsMap() && machines->value.size() == 0)) {
        r.error(Reader::mark(machines->key), "'machines' is empty: declare at least one machine");
        return;
    }
    read_machines(r, *machines, d, global, e.machines);
}

}  // namespace

Result<Envfile> load_string(const std::string& text, const std::string& path) {
    Envfile e;
    std::error_code ec;
    auto abs = std::filesystem::absolute(path.empty() ? "Envfile" : path, ec).lexically_normal();
    e.path = abs.string();
    e.dir = abs.parent_path().string();
    Diagnostics diag(path);
    YAML::Node root;
    try {
        root = YAML::Load(text);
    } catch (const YAML::Exception& ex) {
        diag.error(Mark{ex.mark.line + 1, ex.mark.column + 1}, "YAML syntax: " + ex.msg);
        return std::unexpected(diag.to_error());
    }
    try {
        Reader r(diag, e.dir);
        read_document(r, root, e);
        check_project(e, diag);
    } catch (const std::exception& ex) {
        // yaml-cpp throws on malformed node access; none is expected, but no exception may
        // escape this module.
        return fail(ErrorKind::Internal, path + ": reading the Envfile failed: " + ex.what());
    }
    if (!diag.empty()) return std::unexpected(diag.to_error());
    return e;
}

Result<Envfile> load(const std::string& path) {
    // O_NONBLOCK: opening a FIFO for reading would otherwise wait for a writer forever.
    auto fd = sys::open(path, O_RDONLY | O_NONBLOCK | O_CLOEXEC);
    if (!fd) {
        if (fd.error().err() == ENOENT)
            return fail(ErrorKind::NotFound, path + ": no such Envfile");
        return std::unexpected(fd.error());
    }
    struct stat st {};
    if (::fstat(fd->get(), &st) != 0) return fail_errno("stat " + path);
    if (!S_ISREG(st.st_mode))
        return fail(ErrorKind::Invalid, path + ": not a regular file (an Envfile is a YAML file)");
    if (static_cast<uint64_t>(st.st_size) > max_envfile_bytes)
        return fail(ErrorKind::Invalid, path + ": " + std::to_string(st.st_size) +
                                            " bytes; an Envfile may have at most " +
                                            std::to_string(max_envfile_bytes) + " bytes");
    auto text = sys::read_all(fd->get());
    if (!text) return std::unexpected(text.error().context("reading " + path));
    // It may have grown since fstat.
    if (text->size() > max_envfile_bytes)
        return fail(ErrorKind::Invalid, path + ": grew past " + std::to_string(max_envfile_bytes) +
                                            " bytes while read");
    return load_string(*text, path);
}

}  // namespace env::envfile
