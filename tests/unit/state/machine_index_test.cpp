#include <catch2/catch.hpp>

#include "state/machine_index.h"
#include "test_support.h"

using namespace env;

TEST_CASE("the index upserts by project and machine, and a missing file is empty", "[core]") {
    test::TempDir t;
    state::MachineIndex index(t / "home/index.json");
    CHECK(index.load()->empty());
    state::IndexEntry e{"/p", "/p/Envfile", "web1", "container", "busybox", "1.0", "running", 1};
    REQUIRE(index.upsert(e));
    e.state = "stopped";
    REQUIRE(index.upsert(e));
    e.machine = "web2";
    REQUIRE(index.upsert(e));
    auto all = index.load().value();
    REQUIRE(all.size() == 2);
    CHECK(all[0].machine == "web1");
    CHECK(all[0].state == "stopped");
    REQUIRE(index.remove("/p", "web1"));
    CHECK(index.load()->size() == 1);
}

TEST_CASE("prune forgets machines whose project or state directory is gone", "[core]") {
    test::TempDir t;
    REQUIRE(sys::make_dirs(t / "proj/.envstate/machines/alive"));
    REQUIRE(sys::write_file_atomic(t / "proj/Envfile", "version: 1\n"));
    state::MachineIndex index(t / "index.json");
    REQUIRE(index.upsert({t / "proj", t / "proj/Envfile", "alive", "container", "", "", "running", 0}));
    REQUIRE(index.upsert({t / "proj", t / "proj/Envfile", "destroyed", "container", "", "", "", 0}));
    REQUIRE(index.upsert({t / "gone", t / "gone/Envfile", "m", "kvm", "", "", "", 0}));
    auto pruned = index.prune().value();
    CHECK(pruned.size() == 2);
    auto left = index.load().value();
    REQUIRE(left.size() == 1);
    CHECK(left[0].machine == "alive");
}

TEST_CASE("a corrupt index is reported, not silently replaced", "[core]") {
    test::TempDir t;
    REQUIRE(sys::write_file_atomic(t / "index.json", "{not json"));
    state::MachineIndex index(t / "index.json");
    auto r = index.load();
    REQUIRE(!r);
    CHECK_THAT(r.error().message(), Catch::Contains("index.json"));
    CHECK(!index.upsert({"/p", "/p/Envfile", "m", "", "", "", "", 0}));
    CHECK(sys::read_file(t / "index.json").value() == "{not json");
}
