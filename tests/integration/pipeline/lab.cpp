#include "lab.h"

#include <catch2/catch.hpp>

#include <cstdlib>

#include "fake_registry.h"
#include "util/sys.h"

namespace env::test {

Lab::Lab() {
    auto registered = fake::register_fake_provider();
    INFO((registered ? std::string() : registered.error().what()));
    REQUIRE(registered);
    home_ = tmp_ / "home";
    project_dir_ = tmp_ / "project";
    if (const char* old = std::getenv("ENV_HOME")) {
        had_home_ = true;
        old_home_ = old;
    }
    ::setenv("ENV_HOME", home_.c_str(), 1);
    // One box, fakebox 1.0.0, installed as `env box add` leaves a container box: its rootfs
    // becomes each machine's filesystem.
    std::string box = home_ + "/boxes/fakebox/1.0.0/container";
    REQUIRE(sys::make_dirs(box + "/rootfs/etc"));
    REQUIRE(sys::write_file_atomic(
        box + "/metadata.json",
        R"({"provider":"container","format":"rootfs","rootfs":"rootfs","user":"tester"})"));
    REQUIRE(sys::write_file_atomic(box + "/rootfs/etc/motd", "from the box\n"));
    REQUIRE(sys::make_dirs(project_dir_));
    console_.out = [this](std::string_view s) {
        std::lock_guard l(mu_);
        output_.append(s);
    };
    console_.err = console_.out;
}

Lab::~Lab() {
    if (had_home_)
        ::setenv("ENV_HOME", old_home_.c_str(), 1);
    else
        ::unsetenv("ENV_HOME");
}

core::Project Lab::project(const std::string& envfile_yaml) {
    REQUIRE(sys::write_file_atomic(project_dir_ + "/Envfile", envfile_yaml));
    auto p = core::Project::open(project_dir_ + "/Envfile");
    INFO((p ? std::string() : p.error().what()));
    REQUIRE(p);
    return std::move(*p);
}

void Lab::project_file(const std::string& rel, const std::string& content, mode_t mode) {
    std::string path = project_dir_ + "/" + rel;
    REQUIRE(sys::make_dirs(path.substr(0, path.rfind('/'))));
    REQUIRE(sys::write_file_atomic(path, content, mode));
}

core::UpOptions Lab::up_options() {
    core::UpOptions o;
    o.console = &console_;
    return o;
}

std::string Lab::console_text() const {
    std::lock_guard l(mu_);
    return output_;
}

std::string Lab::machine_dir(const std::string& machine) const {
    return project_dir_ + "/.envstate/machines/" + machine;
}

std::string Lab::root(const std::string& machine) const {
    return fake::guest_root(machine_dir(machine));
}

std::string Lab::guest_file(const std::string& machine, const std::string& rel) const {
    return sys::read_file(root(machine) + "/" + rel).value_or("");
}

}  // namespace env::test
