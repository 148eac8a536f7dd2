#include <catch2/catch.hpp>

#include "providers/container/state_masks.h"

using namespace env::container;

namespace {
const std::string kMachine = "/home/u/proj/.envstate/machines/web1";
}

TEST_CASE("the project's state is masked wherever a synced folder shows it", "[container]") {
    // The project at /env (the default), and a parent of it synced elsewhere.
    CHECK(state_masks(kMachine, {{"/home/u/proj", "/env", false}}) ==
          std::vector<std::string>{"/env/.envstate"});
    CHECK(state_masks(kMachine, {{"/home/u/", "/host/", false}}) ==
          std::vector<std::string>{"/host/proj/.envstate"});
    CHECK(state_masks(kMachine, {{"/", "/hostroot", false}}) ==
          std::vector<std::string>{"/hostroot/home/u/proj/.envstate"});
}

TEST_CASE("binds that do not show the state, or are the provider's own, mask nothing",
          "[container]") {
    CHECK(state_masks(kMachine, {{"/home/u/proj2", "/env", false}}).empty());  // a sibling
    CHECK(state_masks(kMachine, {{"/home/u/proj/src", "/src", false}}).empty());
    CHECK(state_masks(kMachine, {{kMachine + "/etc-env", "/etc/env", true}}).empty());
    CHECK(state_masks(kMachine, {{"/home/u/proj/.envstate", "/state", false}}).empty());
}
