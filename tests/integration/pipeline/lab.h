#pragma once
// The pipeline tests' world: ENV_HOME in a temporary directory holding one installed fake
// box, a project directory for the test's Envfile, a fake::Cloud (the fake is this test
// binary's only provider, registered as "container": tests/fake/fake_registry.h) and a
// console that keeps what
// provisioning printed. Everything goes with the object: machines' SSH servers first,
// then the files.
#include <chrono>
#include <mutex>
#include <string>

#include "core/project.h"
#include "core/up.h"
#include "fake_provider.h"
#include "provisioners/console.h"
#include "test_support.h"

namespace env::test {

class Lab {
public:
    Lab();
    ~Lab();
    Lab(const Lab&) = delete;
    Lab& operator=(const Lab&) = delete;

    // Writes <project>/Envfile and opens it (REQUIREs success).
    core::Project project(const std::string& envfile_yaml);
    // A file of the project (scripts, uploads), made with its directories.
    void project_file(const std::string& rel, const std::string& content, mode_t mode = 0644);

    // up with provisioning output into console_text().
    core::UpOptions up_options();
    std::string console_text() const;

    std::string machine_dir(const std::string& machine) const;
    // The machine's filesystem, where provisioning leaves its traces.
    std::string root(const std::string& machine) const;
    // The file under root(machine), "" when missing.
    std::string guest_file(const std::string& machine, const std::string& rel) const;

    const std::string& home() const { return home_; }
    const std::string& project_dir() const { return project_dir_; }
    fake::Cloud& cloud() { return cloud_; }
    provisioners::Console& console() { return console_; }

private:
    TempDir tmp_;
    std::string home_, project_dir_;
    std::string old_home_;
    bool had_home_ = false;
    fake::Cloud cloud_;  // after tmp_: its machines stop before their files go
    mutable std::mutex mu_;
    std::string output_;
    provisioners::Console console_;
};

// Milliseconds since `start`.
inline long ms_since(std::chrono::steady_clock::time_point start) {
    return static_cast<long>(std::chrono::duration_cast<std::chrono::milliseconds>(
                                 std::chrono::steady_clock::now() - start)
                                 .count());
}

}  // namespace env::test
