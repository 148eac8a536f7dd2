#include "provisioners/runner.h"

#include <spdlog/spdlog.h>

#include <algorithm>

#include "provisioners/markers.h"
#include "provisioners/registry.h"

namespace env::provisioners {
namespace {

const char* kind_name(const envfile::Provisioner& p) {
    return p.kind == envfile::Provisioner::Kind::Shell ? "shell" : "file";
}

}  // namespace

Result<std::vector<StepReport>> Runner::run(const envfile::Machine& machine,
                                            ssh::Remote& remote,
                                            const RunOptions& options) const {
    const auto& steps = machine.provision;
    for (auto& want : options.only) {
        bool found = std::ranges::any_of(steps, [&](auto& p) { return p.name == want; });
        if (found) continue;
        std::string have;
        for (auto& p : steps) have += (have.empty() ? "'" : ", '") + p.name + "'";
        return fail(ErrorKind::Usage, "machine '" + machine.name +
                                          "' has no provisioner named '" + want + "'" +
                                          (have.empty() ? " (it has none)" : "; it has " + have));
    }

    Markers markers(state_dir_);
    std::vector<StepReport> report;
    for (size_t i = 0; i < steps.size(); ++i) {
        const auto& p = steps[i];
        std::string hash = content_hash(p);
        Outcome outcome = Outcome::Ran;
        if (!options.only.empty()) {
            if (std::ranges::find(options.only, p.name) == options.only.end())
                outcome = Outcome::SkippedNotSelected;
        } else if (p.run == envfile::RunWhen::Never) {
            outcome = Outcome::SkippedNever;
        } else if (p.run == envfile::RunWhen::Once && !options.force) {
            if (auto m = markers.read(p.name)) {
                outcome = Outcome::SkippedDone;
                // Once is once per machine (Vagrant), but an edit that silently does
                // nothing puzzles; say how to apply it.
                if (m->hash != hash)
                    console_.say(machine.name, "provisioner '" + p.name + "' changed since it ran (" +
                                                   m->finished + "); it runs once: use "
                                                   "--provision-with '" + p.name + "' to rerun it");
            }
        }
        report.push_back({p.name, outcome});
        if (outcome != Outcome::Ran) {
            spdlog::debug("{}: provisioner '{}' skipped", machine.name, p.name);
            continue;
        }

        console_.say(machine.name, "running provisioner '" + p.name + "' (" + kind_name(p) + ")");
        auto step = make(p, static_cast<int>(i + 1), console_);
        TRY(step->provision(machine, remote));
        if (auto r = markers.record(p.name, hash); !r) {
            Error e = r.error();
            return std::unexpected(
                e.context(machine.name + ": recording that provisioner '" + p.name + "' ran"));
        }
    }
    return report;
}

}  // namespace env::provisioners
