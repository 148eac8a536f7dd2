#pragma once
// The file provisioner: copies a host file or directory to the guest as the SSH user (no
// sudo, as in Vagrant: the destination must be writable by that user). Destination rules,
// Vagrant's:
//   - missing parent directories of the destination are created (mkdir -p);
//   - a file lands at `destination`, or inside it as destination/<name> when the
//     destination ends with '/' or is an existing directory on the guest (like scp);
//   - a directory's contents land in `destination` (created, or merged into an existing
//     one); with a trailing '/' the directory itself goes inside: destination/<name>;
//   - a leading `~` or `~/` means the SSH user's home, expanded on the guest ($HOME);
//     `~user` is rejected; a relative destination is relative to that home (as with scp).
#include "provisioners/console.h"
#include "provisioners/provisioner.h"

namespace env::provisioners {

class FileProvisioner : public Provisioner {
public:
    FileProvisioner(envfile::Provisioner spec, Console console)
        : spec_(std::move(spec)), console_(std::move(console)) {}
    Result<> provision(const envfile::Machine& machine, ssh::Remote& remote) override;

private:
    envfile::Provisioner spec_;
    Console console_;
};

}  // namespace env::provisioners
