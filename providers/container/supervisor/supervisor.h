#pragma once
// The per-machine supervisor (DESIGN.md, "Running machines"): one process per running
// container machine, started detached by the provider (supervisor_spawn.h) and outliving
// the CLI. It owns the machine's cgroup, the container's pid 1, the console and the NAT
// attachment, serves control.sock, and on the way out removes what it created on the host
// (the cgroup; the namespaces, mounts and eth0 go with the container's processes).
#include <string>

#include "providers/container/supervisor/network_attachment.h"
#include "util/unique_fd.h"

namespace env::container {

// Runs the machine described by <state_dir>/config.json until its init exits. ready_fd
// (-1: none) receives "pid N\n" at once, then "ok\n" once the init runs or
// "error: <message>\n" (after cleaning up, so the caller can wait for pid N to end); then it is
// closed. held_port (invalid: none) is the bound socket with which the provider holds the
// SSH forward's host port; the NAT lets it go just before binding the port itself. Returns
// the process exit code.
int run_supervisor(const std::string& state_dir, int ready_fd,
                   const NetworkAttachmentFactory& network, UniqueFd held_port = {});

}  // namespace env::container
