// virtio-pci under /dev/kvm: the tiny guest's drivers (tests/guest/virtio*.c) drive each
// device through the modern transport, with MSI-X (irqfd) and with INTx, and print what
// they saw; the host side checks the transcript and, for disks, the image file.
#include <catch2/catch.hpp>

#include "vmm_process.h"

using namespace env::kvm::test;

namespace {
// Boots the tiny guest in virtio mode; returns the transcript from the first virtio line.
std::vector<std::string> run_virtio(VmmProcess& vmm, const std::string& irq,
                                    const std::vector<std::string>& extra) {
    std::vector<std::string> args = {
        "--kernel",  guest_image("tiny-guest.bzImage"),
        "--memory",  "64",
        "--cmdline", "console=ttyS0 guest.mode=virtio virtio.irq=" + irq};
    args.insert(args.end(), extra.begin(), extra.end());
    vmm.start(args);
    auto status = vmm.wait(std::chrono::seconds(60));
    INFO("console:\n" << vmm.output() << "\nstderr:\n" << vmm.errors());
    REQUIRE(status);
    CHECK(*status == 0);  // the guest powered off after its checks
    std::vector<std::string> out;
    for (auto& l : lines(vmm.output()))
        if (l.rfind("virtio", 0) == 0) out.push_back(l);
    return out;
}
}  // namespace

TEST_CASE("virtio-rng through virtio-pci, with MSI-X and with INTx", "[kvm][virtio]") {
    if (auto why = kvm_unavailable(); !why.empty()) {
        WARN(why);
        return;
    }
    for (std::string irq : {"msix", "intx"}) {
        DYNAMIC_SECTION(irq) {
            VmmProcess vmm;
            auto l = run_virtio(vmm, irq, {});
            INFO("console:\n" << vmm.output());
            REQUIRE(l.size() == 3);
            CHECK(l[0] == "virtio-rng: 00:01.0 ready (" + irq + ")");
            // 32 random bytes hold 4 or fewer distinct values with negligible probability.
            unsigned bytes = 0, distinct = 0, irqs = 0, vector = 0;
            REQUIRE(
                sscanf(
                    l[1].c_str(),
                    "virtio-rng: %u bytes, %u distinct values, %u interrupt(s), last vector 0x%x",
                    &bytes, &distinct, &irqs, &vector) == 4);
            CHECK(bytes == 32);
            CHECK(distinct > 4);
            CHECK(irqs >= 1);
            // MSI-X: the queue's own vector (table entry 1 -> 0x41); INTx: the IOAPIC pin's.
            CHECK(vector == (irq == "msix" ? 0x41u : 0x30u));
            CHECK(l[2] == "virtio: done");
        }
    }
}

TEST_CASE("no virtio-rng with --no-rng", "[kvm][virtio]") {
    if (auto why = kvm_unavailable(); !why.empty()) {
        WARN(why);
        return;
    }
    VmmProcess vmm;
    auto l = run_virtio(vmm, "msix", {"--no-rng"});
    CHECK(l == std::vector<std::string>{"virtio: done"});
}

TEST_CASE("virtio-blk: the guest writes a pattern, reads it back, and the image holds it",
          "[kvm][virtio]") {
    if (auto why = kvm_unavailable(); !why.empty()) {
        WARN(why);
        return;
    }
    for (std::string irq : {"msix", "intx"}) {
        DYNAMIC_SECTION(irq) {
            VmmProcess vmm;
            std::string image = vmm.dir.path + "/disk.img";
            REQUIRE(env::sys::write_file_atomic(image, std::string(1 << 20, '\0')));
            auto l = run_virtio(vmm, irq, {"--disk", image, "--no-rng"});
            INFO("console:\n" << vmm.output());
            REQUIRE(l.size() == 3);
            CHECK(l[0] == "virtio-blk: 00:01.0 ready (" + irq + ") capacity 2048 sectors");
            // One interrupt per request at least (a late one may merge or add): count >= 2.
            unsigned irqs = 0, vector = 0;
            CHECK(sscanf(l[1].c_str(),
                         "virtio-blk: write status 0, read status 0, read back matches, %u "
                         "interrupt(s), last vector 0x%x",
                         &irqs, &vector) == 2);
            CHECK(irqs >= 2);
            CHECK(vector == (irq == "msix" ? 0x41u : 0x30u));
            auto bytes = env::sys::read_file(image);
            REQUIRE(bytes);
            std::string expect;
            const std::string text = "tiny-guest virtio-blk pattern ";
            for (unsigned i = 0; i < 512; ++i) expect += text[i % text.size()];
            CHECK(bytes->substr(512, 512) == expect);  // sector 1
            CHECK(bytes->substr(0, 512) == std::string(512, '\0'));
            CHECK(bytes->substr(1024, 512) == std::string(512, '\0'));
        }
    }
}

TEST_CASE("virtio-blk: a read-only disk refuses the guest's write", "[kvm][virtio]") {
    if (auto why = kvm_unavailable(); !why.empty()) {
        WARN(why);
        return;
    }
    VmmProcess vmm;
    std::string image = vmm.dir.path + "/disk.img";
    REQUIRE(env::sys::write_file_atomic(image, std::string(1 << 20, 'x')));
    auto l = run_virtio(vmm, "msix", {"--disk", image + ",ro", "--no-rng"});
    INFO("console:\n" << vmm.output());
    REQUIRE(l.size() == 3);
    CHECK(l[0] == "virtio-blk: 00:01.0 ready (msix) capacity 2048 sectors read-only");
    // VIRTIO_BLK_S_IOERR for the write; the read returns the untouched sector.
    CHECK(l[1].rfind("virtio-blk: write status 1, read status 0, read back DIFFERS", 0) == 0);
    CHECK(env::sys::read_file(image).value_or("") == std::string(1 << 20, 'x'));
}
