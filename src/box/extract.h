#pragma once
// Secure extraction of a .box with libarchive (tar, plain/gzip/zstd/xz/bzip2).
//
// Refused, with the offending entry named: absolute names, "..", symlinks whose target
// leaves the box (judged against the rootfs for entries inside it: /bin/sh -> busybox is
// fine there), any entry that would be written through a symlink or that replaces one,
// hard links to anything but an already extracted file inside the box, device nodes and
// FIFOs outside <rootfs>/dev, sockets, file data beyond the size its header claims, and a
// total beyond ExtractPolicy::max_total_bytes. Ownership (when root), permissions, times,
// xattrs and ACLs are kept, with numeric ids (a rootfs's ids are its own, not the host's).
//
// Nothing outside `dest` is ever written; on error `dest` holds a partial tree that the
// caller removes (add.cpp extracts into a temporary directory for that reason).
#include <cstdint>
#include <string>

#include "box/metadata.h"
#include "util/error.h"
#include "util/progress.h"

namespace env::box {

struct ExtractPolicy {
    std::string rootfs;                  // member prefix of the container rootfs; "" for none
    bool devices_in_rootfs_dev = false;  // allow device nodes and FIFOs under <rootfs>/dev
    bool preserve_owner = false;         // chown to the archive's numeric ids (needs root)
    uint64_t max_total_bytes = 0;        // 0: no limit
    bool progress = false;               // for boxes over 64 MiB: a bar, or lines (util/progress.h)
    ProgressSink progress_sink;          // set: summaries go there instead of stderr
};

struct ExtractStats {
    uint64_t entries = 0;
    uint64_t bytes = 0;  // file data written
};

// The policy a box's own metadata asks for: its rootfs, devices only for containers.
ExtractPolicy policy_for(const Metadata& m);

Result<ExtractStats> extract_secure(const std::string& archive, const std::string& dest,
                                    const ExtractPolicy& policy);

// Reads metadata.json out of a .box without extracting anything (stops at that member,
// which recipes put first).
Result<Metadata> read_box_metadata(const std::string& archive);

}  // namespace env::box
