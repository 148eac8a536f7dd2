#include "provisioners/shell_provisioner.h"

#include "provisioners/local_source.h"

#include "provisioners/line_prefixer.h"
#include "provisioners/shell_quote.h"

namespace env::provisioners {

std::string ShellProvisioner::remote_path() const {
    // Names are free text ("shell #1"); keep the file name to characters any shell and
    // filesystem take without quoting.
    std::string safe;
    for (char c : spec_.name) {
        bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
                  c == '_' || c == '.';
        if (ok)
            safe += c;
        else if (!safe.empty() && safe.back() != '-')
            safe += '-';
    }
    while (!safe.empty() && safe.back() == '-') safe.pop_back();
    if (safe.empty()) safe = "step";
    return "/tmp/env-provision-" + safe + "-" + std::to_string(index_) + ".sh";
}

std::string ShellProvisioner::run_command(const std::string& script) const {
    // The script line: env exported first (values quoted; names were checked by the
    // loader), then the script and its arguments.
    std::string line;
    for (auto& [k, v] : spec_.env) line += "export " + k + "=" + shell_quote(v) + "; ";
    line += shell_quote(script);
    if (!spec_.args.empty()) line += " " + shell_join(spec_.args);

    // Whether sudo is needed is decided on the guest, where the user is known; root needs
    // no sudo (and minimal boxes running as root often have none).
    std::string run = line;
    if (spec_.privileged) {
        std::string q = shell_quote(line);
        run =
            "if [ \"$(id -u)\" = 0 ]; then sh -c " + q + "; else sudo -n -E -H sh -c " + q + "; fi";
    }
    // The exit status is the script's; the file is removed in every case.
    std::string s = shell_quote(script);
    return "chmod 0700 " + s + " && { " + run + "; }; env_status=$?; rm -f " + s +
           "; exit $env_status";
}

Result<> ShellProvisioner::provision(const envfile::Machine& machine, ssh::Remote& remote) {
    const std::string& m = machine.name;
    std::string script = remote_path();
    LineTail tail(10);
    LinePrefixer out(console_.prefix(m, false), console_.out, &tail);
    LinePrefixer err(console_.prefix(m, true), console_.err, &tail);
    ssh::ExecIo io;
    io.on_stdout = [&](std::string_view d) { out.feed(d); };
    io.on_stderr = [&](std::string_view d) { err.feed(d); };

    if (!spec_.path.empty()) {
        auto source = LocalSource::open(spec_.project_dir, spec_.path);
        if (!source) return std::unexpected(step_error(source.error(), m, spec_.name));
        if (auto r = remote.upload(source->path(), script); !r)
            return std::unexpected(step_error(r.error(), m, spec_.name));
    } else {
        // An inline script travels as stdin: no temp file on the host. rm -f first so a
        // leftover from an interrupted run (or a planted symlink) is not written through.
        ssh::ExecIo put = io;
        put.stdin_data = spec_.inline_script;
        std::string q = shell_quote(script);
        auto st = remote.exec("rm -f " + q + " && (umask 077 && cat > " + q + ")", put);
        if (!st) return std::unexpected(step_error(st.error(), m, spec_.name));
        out.finish();
        err.finish();
        if (*st != 0) return std::unexpected(step_failed(m, spec_.name, *st, tail));
    }

    auto st = remote.exec(run_command(script), io);
    out.finish();
    err.finish();
    if (!st) return std::unexpected(step_error(st.error(), m, spec_.name));
    if (*st != 0) return std::unexpected(step_failed(m, spec_.name, *st, tail));
    return {};
}

}  // namespace env::provisioners
