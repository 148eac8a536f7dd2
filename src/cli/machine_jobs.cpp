#include "cli/machine_jobs.h"

#include <cstdio>

#include "util/log.h"
#include "util/term.h"

namespace env::cli {

void add_parallel_flag(CLI::App& app, bool& no_parallel) {
    app.add_flag("--no-parallel", no_parallel,
                 "one machine after the other (default: several at once)");
}

int run_machine_jobs(const std::vector<const envfile::Machine*>& machines, bool no_parallel,
                     const MachineJob& job) {
    std::vector<std::string> names;
    for (auto* m : machines) names.push_back(m->name);
    auto board = make_status_board(names, 2);
    provisioners::Console console = provisioners::Console::standard();
    console.out = [&](std::string_view s) { board->print(s, 1); };
    console.err = [&](std::string_view s) { board->print(s, 2); };

    std::vector<core::FleetJob> jobs;
    for (auto* m : machines)
        jobs.push_back([&, m](const core::StepFn& step) { return job(*m, step, console); });
    std::vector<Result<std::string>> results;
    {
        // Warnings logged meanwhile are drawn above the rows instead of across them.
        log::StderrDiversion divert([&](std::string_view s) { board->print(s, 2); });
        results = core::run_fleet(jobs, no_parallel ? 1 : core::default_parallelism(), *board);
        board->close();
    }

    int code = 0;
    size_t failed = 0;
    for (size_t i = 0; i < results.size(); ++i) {
        if (results[i]) continue;
        if (!failed++) code = results[i].error().exit_code();
        std::fprintf(stderr, "%s %s: %s\n", term::paint("31", "env:", 2).c_str(), names[i].c_str(),
                     results[i].error().what().c_str());
    }
    if (failed && results.size() > 1)
        std::fprintf(stderr, "env: %zu of %zu machines failed\n", failed, results.size());
    return code;
}

}  // namespace env::cli
