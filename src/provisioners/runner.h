#pragma once
// Runs a machine's provisioners in order (project-wide first, then the machine's own: the
// Envfile loader already orders them) and decides which run, with Vagrant's rules:
//   run: once    runs when its marker is missing; `force` (env provision, up --provision)
//                runs it again
//   run: always  runs every time
//   run: never   runs only when named in `only`
//   only (--provision-with a,b): exactly the named steps run, done or not, `never` or not;
//                a name the machine does not have is a usage error before anything runs.
// The first failing step stops this machine's provisioning with its error; steps after it
// do not run and its marker is not written. Every step that succeeds gets a marker.
#include <string>
#include <vector>

#include "envfile/model.h"
#include "provisioners/console.h"
#include "ssh/remote.h"
#include "util/error.h"

namespace env::provisioners {

struct RunOptions {
    bool force = false;
    std::vector<std::string> only;
};

enum class Outcome { Ran, SkippedDone, SkippedNever, SkippedNotSelected };

struct StepReport {
    std::string name;
    Outcome outcome;
};

class Runner {
public:
    // `state_dir`: the machine's state directory (markers go below it).
    explicit Runner(std::string state_dir, Console console = Console::standard())
        : state_dir_(std::move(state_dir)), console_(std::move(console)) {}

    Result<std::vector<StepReport>> run(const envfile::Machine& machine, ssh::Remote& remote,
                                        const RunOptions& options = {}) const;

private:
    std::string state_dir_;
    Console console_;
};

}  // namespace env::provisioners
