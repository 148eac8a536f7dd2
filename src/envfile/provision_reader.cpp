#include "envfile/provision_reader.h"

#include <array>
#include <filesystem>

namespace env::envfile {
namespace {

constexpr std::array<std::string_view, 2> kinds{"shell", "file"};
constexpr std::array<std::string_view, 7> shell_keys{"inline",     "path", "args", "env",
                                                     "privileged", "run",  "name"};
constexpr std::array<std::string_view, 4> file_keys{"source", "destination", "run", "name"};
constexpr std::array<std::string_view, 3> run_words{"once", "always", "never"};

bool is_env_name(const std::string& s) {
    if (s.empty() || (s[0] >= '0' && s[0] <= '9')) return false;
    for (char c : s)
        if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
              c == '_'))
            return false;
    return true;
}

// Resolves a path against the Envfile's directory and checks that it exists.
std::optional<std::string> existing(Reader& r, const Field& k, bool dir_ok) {
    auto s = r.nonempty(k);
    if (!s) return std::nullopt;
    std::string abs = r.absolute(s->text);
    std::error_code ec;
    auto st = std::filesystem::status(abs, ec);
    if (ec || !std::filesystem::exists(st)) {
        r.error(k, "'" + k.name + "': " + s->text + " does not exist (looked for " + abs + ")" +
                       r.in(*s));
        return std::nullopt;
    }
    if (!dir_ok && std::filesystem::is_directory(st)) {
        r.error(k, "'" + k.name + "': " + s->text + " is a directory, not a script" + r.in(*s));
        return std::nullopt;
    }
    return abs;
}

void read_run(Reader& r, const Field& k, Provisioner& p) {
    if (auto s = r.choice(k, run_words))
        p.run = s->text == "once"     ? RunWhen::Once
                : s->text == "always" ? RunWhen::Always
                                      : RunWhen::Never;
}

void read_shell(Reader& r, const Field& f, Provisioner& p) {
    if (f.value.IsScalar()) {  // shell: "apt-get update"
        if (auto s = r.nonempty(f)) p.inline_script = s->text;
        return;
    }
    bool has_inline = false, has_path = false;
    bool ok = r.map(f, shell_keys, [&](const Field& k) {
        if (k.name == "inline") {
            has_inline = true;
            if (auto s = r.nonempty(k)) p.inline_script = s->text;
        } else if (k.name == "path") {
            has_path = true;
            if (auto abs = existing(r, k, false)) p.path = *abs;
        } else if (k.name == "args") {
            r.list(k, [&](const Field& a, size_t) {
                if (auto s = r.str(a)) p.args.push_back(s->text);
            });
        } else if (k.name == "env") {
            r.map(
                k, {},
                [&](const Field& e) {
                    if (!is_env_name(e.name)) {
                        r.error(Reader::mark(e.key), "'" + e.name +
                                                         "' is not a valid environment "
                                                         "variable name");
                        return;
                    }
                    if (auto s = r.str(e)) p.env[e.name] = s->text;
                },
                true);
        } else if (k.name == "privileged") {
            if (auto b = r.boolean(k)) p.privileged = *b;
        } else if (k.name == "run") {
            read_run(r, k, p);
        } else if (k.name == "name") {
            if (auto s = r.nonempty(k)) p.name = s->text;
        }
    });
    if (ok && !has_inline && !has_path)
        r.error(f, "a shell provisioner needs 'inline' (a script) or 'path' (a script file)");
    if (ok && has_inline && has_path)
        r.error(f, "a shell provisioner takes 'inline' or 'path', not both");
}

void read_file(Reader& r, const Field& f, Provisioner& p) {
    bool has_source = false, has_dest = false;
    bool ok = r.map(f, file_keys, [&](const Field& k) {
        if (k.name == "source") {
            has_source = true;
            if (auto abs = existing(r, k, true)) p.source = *abs;
        } else if (k.name == "destination") {
            has_dest = true;
            if (auto s = r.nonempty(k)) p.destination = s->text;
        } else if (k.name == "run") {
            read_run(r, k, p);
        } else if (k.name == "name") {
            if (auto s = r.nonempty(k)) p.name = s->text;
        }
    });
    if (ok && (!has_source || !has_dest))
        r.error(f, std::string("a file provisioner needs ") + (!has_source && !has_dest
                                                                   ? "'source' and 'destination'"
                                                               : !has_source ? "'source'"
                                                                             : "'destination'"));
}

}  // namespace

void read_provisioners(Reader& r, const Field& f, std::vector<Provisioner>& out) {
    r.list(f, [&](const Field& item, size_t) {
        Provisioner p;
        p.project_dir = r.dir;
        p.mark = Reader::mark(item.value);
        if (item.value.IsScalar()) {  // "- apt-get update": the kind is missing
            r.error(item, "a provisioner entry says its kind: write '- shell: " +
                              item.value.Scalar().substr(0, 40) + "' (or '- file: {...}')");
            return;
        }
        size_t count = 0;
        bool ok = r.map(item, kinds, [&](const Field& k) {
            if (++count > 1) {
                r.error(Reader::mark(k.key), "one provisioner per list entry: start '" + k.name +
                                                 "' on its own '- ' line");
                return;
            }
            p.kind = k.name == "shell" ? Provisioner::Kind::Shell : Provisioner::Kind::File;
            if (p.kind == Provisioner::Kind::Shell)
                read_shell(r, k, p);
            else
                read_file(r, k, p);
        });
        if (ok && count == 0) r.error(item, "a provisioner entry needs 'shell:' or 'file:'");
        if (ok && count > 0) out.push_back(std::move(p));
    });
}

void name_provisioners(Reader& r, std::vector<Provisioner>& list) {
    for (size_t i = 0; i < list.size(); ++i) {
        auto& p = list[i];
        if (p.name.empty())
            p.name = std::string(p.kind == Provisioner::Kind::Shell ? "shell" : "file") + " #" +
                     std::to_string(i + 1);
        for (size_t j = 0; j < i; ++j)
            if (list[j].name == p.name)
                r.error(p.mark, "provisioner name '" + p.name + "' is used twice" + r.in_machine());
    }
}

}  // namespace env::envfile
