#pragma once
// A throwaway machine for [root] tests: a busybox root filesystem built on the spot from
// /bin/busybox (busybox-static), a project directory (synced at /env), a state dir, and
// the provider wired to the supervisor binary of this build. Scripts run in the container
// report through files in the project directory, which the host reads.
#include <chrono>
#include <memory>
#include <string>
#include <vector>

#include "host/cgroup.h"
#include "providers/container/container_provider.h"

namespace env::test {

// Why [root] container tests cannot run here, or "" when they can.
std::string container_skip_reason();

struct ContainerMachine {
    std::string dir;          // temp dir holding everything below
    std::string box_dir;      // dir/box (rootfs/ inside)
    std::string project_dir;  // dir/project, at /env in the container
    std::string state_dir;    // project_dir/.envstate/machines/<name>
    std::string project = "t";
    envfile::Machine spec;
    provider::MachineContext ctx;
    std::unique_ptr<container::ContainerProvider> provider;
    std::vector<std::string> links_before;

    // script: what /bin/sh -c runs as the container's command under our init ("": the
    // box's metadata.json decides).
    explicit ContainerMachine(const std::string& script, container::ContainerOptions opts = {});
    ~ContainerMachine();  // destroys the machine and removes the temp dir

    void set_script(const std::string& script, container::ContainerOptions opts = {});
    // Waits (polling every 2 ms) for project_dir/<name> to exist; false after timeout.
    bool wait_for(const std::string& name,
                  std::chrono::milliseconds timeout = std::chrono::seconds(10)) const;
    std::string read(const std::string& name) const;  // project_dir/<name>, "" if missing
    std::string cgroup() const { return host::cgroup_name(project, spec.name); }
    // Everything the machine may have left on the host; empty when nothing.
    std::vector<std::string> leftovers() const;
};

std::vector<std::string> host_links();
bool pid_alive(int pid);

}  // namespace env::test
