#include "provisioners/registry.h"

#include "provisioners/file_provisioner.h"
#include "provisioners/shell_provisioner.h"

namespace env::provisioners {

std::unique_ptr<Provisioner> make(const envfile::Provisioner& spec, int index,
                                  const Console& console) {
    switch (spec.kind) {
    case envfile::Provisioner::Kind::Shell:
        return std::make_unique<ShellProvisioner>(spec, index, console);
    case envfile::Provisioner::Kind::File:
        return std::make_unique<FileProvisioner>(spec, console);
    }
    return nullptr;  // unreachable: the loader only produces the kinds above
}

}  // namespace env::provisioners
