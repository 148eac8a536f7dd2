#pragma once
// The `up` pipeline for one machine (the CLI runs it for the selected machines through
// core/fleet.h, several at once):
//   lock -> box (resolve; absent with box_url: add it) -> machine.json -> provider up (keys
//   and first-boot files are the provider's) -> wait until SSH authenticates within
//   boot_timeout -> provisioners -> global index.
// A crashed machine is recovered by the provider's up (its files are kept).
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/project.h"
#include "provisioners/console.h"
#include "util/error.h"

namespace env::core {

struct UpOptions {
    std::string provider;  // --provider: for machines not created yet
    // nullopt: Vagrant's default (`once` steps that have not run, `always` steps; nothing when
    // the machine was already running); true: --provision (every step again); false:
    // --no-provision.
    std::optional<bool> provision;
    std::vector<std::string> provision_with;  // --provision-with a,b (implies provisioning)
    bool wait = false;                        // --wait: wait for a held lock
    std::string command_line;                 // recorded in the lock
    // Told each step as it begins ("starting", "waiting for SSH", ...); may be empty.
    std::function<void(std::string_view)> on_step;
    // on_step redraws one row in place (status_board_is_live): a box download may update it
    // every 200 ms. Otherwise each step is a line of its own: once per 10% then.
    bool steps_redrawn = false;
    // Where provisioning output goes; null: stdout and stderr (Console::standard()).
    const provisioners::Console* console = nullptr;
};

struct UpResult {
    bool was_running = false;
    int ssh_ms = 0;  // provider up to SSH authenticated
};

Result<UpResult> up_machine(const Project& p, const envfile::Machine& m, const UpOptions& o);

}  // namespace env::core
