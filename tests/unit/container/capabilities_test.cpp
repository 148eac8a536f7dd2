#include <catch2/catch.hpp>

#include <linux/capability.h>

#include <algorithm>

#include "providers/container/capabilities.h"

using namespace env::container;

TEST_CASE("the kept capability set is Docker's default set plus NET_ADMIN", "[container]") {
    CHECK(capability_mask(default_capabilities()) == 0xa80435fbull);
}

TEST_CASE("a machine may manage its own network namespace (VIPs, VRRP)", "[container]") {
    auto keep = default_capabilities();
    CHECK(std::find(keep.begin(), keep.end(), CAP_NET_ADMIN) != keep.end());
    CHECK(std::find(keep.begin(), keep.end(), CAP_NET_RAW) != keep.end());
}

TEST_CASE("the kept set leaves out what reaches the host", "[container]") {
    auto keep = default_capabilities();
    for (int c : {CAP_SYS_ADMIN, CAP_SYS_MODULE, CAP_SYS_RAWIO, CAP_SYS_PTRACE, CAP_SYS_TIME,
                  CAP_DAC_READ_SEARCH, CAP_SYS_BOOT, CAP_MAC_ADMIN, CAP_BPF})
        CHECK(std::find(keep.begin(), keep.end(), c) == keep.end());
}

TEST_CASE("everything not kept is dropped from the bounding set", "[container]") {
    auto keep = default_capabilities();
    auto drop = capabilities_to_drop(keep, 40);
    CHECK(drop.size() + keep.size() == 41);
    CHECK(std::find(drop.begin(), drop.end(), CAP_SYS_ADMIN) != drop.end());
    CHECK(std::find(drop.begin(), drop.end(), CAP_CHOWN) == drop.end());
    CHECK(capability_name(CAP_SYS_ADMIN) == "SYS_ADMIN");
    CHECK(capability_name(CAP_SETFCAP) == "SETFCAP");
}
