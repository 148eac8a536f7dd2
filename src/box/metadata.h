#pragma once
// metadata.json at the top of every .box (boxes/README.md, "Box format").
//
//   container: {"provider":"container","format":"rootfs","arch":"x86_64","user":"root",
//               "rootfs":"rootfs"}
//   kvm:       {"provider":"kvm","format":"raw","arch":"x86_64","user":"env",
//               "kernel":"vmlinuz","initrd":"initrd.img","disk":"disk.img",
//               "cmdline":"console=ttyS0 root=/dev/vda rw"}
//
// Unknown fields are kept in `extra` so that providers can read their own options.
#include <nlohmann/json.hpp>
#include <string>

#include "util/error.h"

namespace env::box {

struct Metadata {
    std::string provider;  // container | kvm
    std::string format;    // container: rootfs; kvm: raw
    std::string arch;      // x86_64 (the default when absent)
    std::string user;      // SSH login user; "root" when absent
    // container
    std::string rootfs;  // directory inside the box holding the root filesystem
    // kvm
    std::string kernel, initrd, disk, cmdline;
    nlohmann::json extra = nlohmann::json::object();  // every field, as read

    // Parses and validates; every payload name is a plain relative path inside the box.
    static Result<Metadata> parse(const std::string& text);
    static Result<Metadata> load(const std::string& box_dir);
    std::string to_json() const;
};

// The directory inside an extracted box whose symlinks resolve against itself, not the
// host (the container rootfs); empty for providers without one.
std::string rootfs_prefix(const Metadata& m);

}  // namespace env::box
