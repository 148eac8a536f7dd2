#pragma once
// A project: one Envfile, its directory, and its state in .envstate/ beside it.
#include <string>
#include <vector>

#include "envfile/model.h"
#include "util/error.h"

namespace env::core {

// Finds the Envfile: explicit (-f) if given, else $ENVFILE, else "Envfile" in the current
// directory or the nearest parent that has one (as Vagrant does). NotFound otherwise.
Result<std::string> find_envfile(const std::string& explicit_path);

struct Project {
    envfile::Envfile envfile;
    std::string dir;        // the Envfile's directory
    std::string state_dir;  // dir + "/.envstate"
    // Short, host-safe identity: the directory's name (sanitised, at most 8 characters) and
    // 4 hex digits of a hash of its absolute path, so two checkouts never collide. Host
    // objects (bridges, taps, cgroups) are named after it.
    std::string name;

    static Result<Project> open(const std::string& explicit_path);

    // Machines named by targets: exact names or /regex/ (ECMAScript, matching anywhere in the name, as Vagrant does).
    // Empty targets: every machine. An unknown name is a NotFound error listing the known.
    Result<std::vector<const envfile::Machine*>> select(const std::vector<std::string>& targets) const;

    std::string machine_dir(const std::string& machine) const {
        return state_dir + "/machines/" + machine;
    }
};

// Derives Project::name from an absolute directory path.
std::string project_name_for(const std::string& dir);

}  // namespace env::core
