#pragma once
// The shell provisioner: the script (inline, or the file at `path`) is copied to
// /tmp/env-provision-<name>-<n>.sh on the guest, made executable, run with its args and env,
// and removed, whatever its outcome. Its shebang picks the interpreter, as in Vagrant.
// Privileged steps run as root: directly when the SSH user is root, else through
// `sudo -n -E -H` (never prompting: a sudo that wants a password fails the step).
// Output is streamed live, line by line, prefixed with the machine name.
#include <string>

#include "provisioners/console.h"
#include "provisioners/provisioner.h"

namespace env::provisioners {

class ShellProvisioner : public Provisioner {
public:
    // `index`: the 1-based position in the machine's list, part of the temp file name.
    ShellProvisioner(envfile::Provisioner spec, int index, Console console)
        : spec_(std::move(spec)), index_(index), console_(std::move(console)) {}
    Result<> provision(const envfile::Machine& machine, ssh::Remote& remote) override;

    // Where the script goes on the guest.
    std::string remote_path() const;
    // The command that runs the uploaded script at `script` and removes it.
    std::string run_command(const std::string& script) const;

private:
    envfile::Provisioner spec_;
    int index_;
    Console console_;
};

}  // namespace env::provisioners
