#include <catch2/catch.hpp>

#include <sys/mount.h>

#include <algorithm>

#include "providers/container/mount_plan.h"

using namespace env::container;

namespace {
const MountOp* find(const std::vector<MountOp>& ops, const std::string& target,
                    MountOp::Kind kind = MountOp::Kind::Mount) {
    for (auto& o : ops)
        if (o.target == target && o.kind == kind) return &o;
    return nullptr;
}
size_t index_of(const std::vector<MountOp>& ops, const std::string& target) {
    for (size_t i = 0; i < ops.size(); ++i)
        if (ops[i].target == target && ops[i].kind == MountOp::Kind::Mount) return i;
    return ops.size();
}
}  // namespace

TEST_CASE("mount targets are normalized and may not escape or replace the root", "[container]") {
    CHECK(normalize_target("/env").value() == "env");
    CHECK(normalize_target("//home/./env//x/").value() == "home/env/x");
    CHECK_FALSE(normalize_target("env"));
    CHECK_FALSE(normalize_target("/a/../b"));
    CHECK_FALSE(normalize_target("/"));
    CHECK_FALSE(normalize_target("/./"));
}

TEST_CASE("the root plan mounts proc, read-only sys and a minimal dev", "[container]") {
    auto ops = plan_rootfs({}).value();
    auto* proc = find(ops, "proc");
    REQUIRE(proc);
    CHECK(proc->fstype == "proc");
    auto* sys = find(ops, "sys");
    REQUIRE(sys);
    CHECK((sys->flags & MS_RDONLY) != 0);
    auto* dev = find(ops, "dev");
    REQUIRE(dev);
    CHECK(dev->fstype == "tmpfs");
    for (auto n : {"null", "zero", "full", "random", "urandom", "tty"}) {
        auto* node = find(ops, std::string("dev/") + n);
        REQUIRE(node);
        CHECK(node->source == std::string("/dev/") + n);
        CHECK((node->flags & MS_BIND) != 0);
        CHECK(index_of(ops, std::string("dev/") + n) > index_of(ops, "dev"));
    }
    auto* pts = find(ops, "dev/pts");
    REQUIRE(pts);
    CHECK(pts->data.find("newinstance") != std::string::npos);
    auto* ptmx = find(ops, "dev/ptmx", MountOp::Kind::Symlink);
    REQUIRE(ptmx);
    CHECK(ptmx->source == "pts/ptmx");
    CHECK(find(ops, "dev/shm"));
    CHECK_FALSE(find(ops, "dev/console"));  // only when asked for
    CHECK(find(plan_rootfs({.console = true}).value(), "dev/console"));
}

TEST_CASE("cgroup v1 hierarchies are mounted read-only on a tmpfs that is then made read-only",
          "[container]") {
    RootfsInputs in;
    in.cgroups = {{"cgroup", "memory", "sys/fs/cgroup/memory"},
                  {"cgroup", "cpu,cpuacct", "sys/fs/cgroup/cpu,cpuacct"}};
    auto ops = plan_cgroup_mounts(in);
    CHECK(find(ops, "sys/fs/cgroup")->fstype == "tmpfs");
    auto* mem = find(ops, "sys/fs/cgroup/memory");
    REQUIRE(mem);
    CHECK(mem->data == "memory");
    CHECK((mem->flags & MS_RDONLY) != 0);
    auto* remount = find(ops, "sys/fs/cgroup", MountOp::Kind::Remount);
    REQUIRE(remount);
    CHECK((remount->flags & MS_RDONLY) != 0);
    CHECK(index_of(ops, "sys/fs/cgroup") < index_of(ops, "sys/fs/cgroup/memory"));
    CHECK_FALSE(find(plan_rootfs(in).value(), "sys/fs/cgroup"));  // mounted in its own phase
}

TEST_CASE("in a user namespace the machine's v1 cgroup directories are bound read-only", "[container]") {
    RootfsInputs in;
    in.user_namespace = true;
    in.cgroups = {{"cgroup", "memory", "sys/fs/cgroup/memory", "/sys/fs/cgroup/memory/env-p-m"}};
    auto ops = plan_cgroup_mounts(in);
    auto* mem = find(ops, "sys/fs/cgroup/memory");
    REQUIRE(mem);
    CHECK(mem->source == "/sys/fs/cgroup/memory/env-p-m");
    CHECK((mem->flags & MS_BIND) != 0);
    auto* ro = find(ops, "sys/fs/cgroup/memory", MountOp::Kind::Remount);
    REQUIRE(ro);
    CHECK((ro->flags & MS_RDONLY) != 0);
}

TEST_CASE("cgroup v2 is one read-only cgroup2 mount", "[container]") {
    auto ops = plan_cgroup_mounts({.cgroup_v2 = true});
    auto* cg = find(ops, "sys/fs/cgroup");
    REQUIRE(cg);
    CHECK(cg->fstype == "cgroup2");
    CHECK((cg->flags & MS_RDONLY) != 0);
}

TEST_CASE("synced folders are bound parents first, read-only ones remounted", "[container]") {
    RootfsInputs in;
    in.binds = {
        {"/src/deep", "/env/a/b", false}, {"/src", "/env", false}, {"/data", "/data", true}};
    auto ops = plan_rootfs(in).value();
    REQUIRE(find(ops, "env"));
    CHECK(index_of(ops, "env") < index_of(ops, "env/a/b"));
    CHECK((find(ops, "env")->flags & MS_REC) != 0);
    CHECK(find(ops, "data", MountOp::Kind::Remount));
    CHECK_FALSE(find(ops, "env", MountOp::Kind::Remount));
    CHECK(index_of(ops, "env") > index_of(ops, "dev"));
}

TEST_CASE("synced folders with relative sources or escaping targets are refused", "[container]") {
    CHECK_FALSE(plan_rootfs({.binds = {{"src", "/env", false}}}));
    CHECK_FALSE(plan_rootfs({.binds = {{"/src", "/../etc", false}}}));
}

TEST_CASE("/proc/sys is read-only but for net/, and host-kernel files are hidden", "[container]") {
    auto ops = plan_rootfs({}).value();
    auto net = index_of(ops, "proc/sys/net");
    auto sys = index_of(ops, "proc/sys");
    REQUIRE(net < ops.size());
    REQUIRE(sys < ops.size());
    CHECK(index_of(ops, "proc") < net);
    CHECK(net < sys);  // carried, writable, by the recursive bind of sys/
    CHECK((ops[sys].flags & MS_REC) != 0);
    CHECK(ops[sys].source == "proc/sys");  // inside the new root, not the host's
    auto* ro = find(ops, "proc/sys", MountOp::Kind::Remount);
    REQUIRE(ro);
    CHECK((ro->flags & MS_RDONLY) != 0);
    for (auto f : {"proc/kcore", "proc/sysrq-trigger"}) {
        auto* m = find(ops, f);
        REQUIRE(m);
        CHECK(m->source == "/dev/null");
        CHECK(m->file);
        CHECK(m->optional);
    }
}

TEST_CASE("masked paths are an empty read-only tmpfs laid over the synced folders",
          "[container]") {
    RootfsInputs in;
    in.binds = {{"/p", "/env", false}};
    in.masked = {"/env/.envstate"};
    auto ops = plan_rootfs(in).value();
    auto* mask = find(ops, "env/.envstate");
    REQUIRE(mask);
    CHECK(mask->fstype == "tmpfs");
    CHECK((mask->flags & MS_RDONLY) != 0);
    CHECK(mask->optional);  // nothing to hide before the first up made it
    CHECK(index_of(ops, "env") < index_of(ops, "env/.envstate"));
    CHECK_FALSE(plan_rootfs({.binds = in.binds, .masked = {"/env/../etc"}}));
}
