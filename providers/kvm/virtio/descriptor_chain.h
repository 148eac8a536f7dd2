#pragma once
// One request as the driver posted it: a validated descriptor chain (virtio 1.2 §2.7.5),
// flattened across an indirect table, with each buffer already resolved to host memory.
// Queue::pop() fills it; devices read the device-readable part and write the
// device-writable part through ChainReader/ChainWriter, which never leave the buffers.
#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <span>
#include <vector>

namespace env::kvm::virtio {

struct Buffer {
    unsigned char* host;  // inside guest memory, checked for [addr, addr+len)
    uint32_t len;
    bool writable;  // VIRTQ_DESC_F_WRITE: the device writes, the driver reads
};

struct DescriptorChain {
    uint16_t head = 0;            // the index the driver put in the available ring
    std::vector<Buffer> buffers;  // readable ones first (§2.7.4.2 makes the driver order them)
    uint32_t readable_bytes = 0;
    uint32_t writable_bytes = 0;

    void clear() {
        buffers.clear();
        readable_bytes = writable_bytes = 0;
    }
};

// Copies out of the chain's device-readable buffers, in order.
class ChainReader {
public:
    explicit ChainReader(const DescriptorChain& c) : chain_(c) {}
    // Copies up to out.size() bytes; returns how many were available.
    size_t read(std::span<unsigned char> out);
    // Skips n bytes; returns how many were skipped.
    size_t skip(size_t n);
    size_t remaining() const { return chain_.readable_bytes - consumed_; }

    // Calls fn(span) for each piece of the next n readable bytes (zero-copy).
    template <typename Fn>
    size_t for_each(size_t n, Fn&& fn) {
        size_t done = 0;
        while (done < n && next_piece()) {
            const Buffer& b = chain_.buffers[index_];
            size_t take = std::min<size_t>(b.len - offset_, n - done);
            fn(std::span<const unsigned char>(b.host + offset_, take));
            advance(take);
            done += take;
        }
        return done;
    }

private:
    bool next_piece();
    void advance(size_t n);
    const DescriptorChain& chain_;
    size_t index_ = 0, offset_ = 0, consumed_ = 0;
};

// Copies into the chain's device-writable buffers, in order; counts what it wrote, which
// is the "len" of the used-ring element (§2.7.8).
class ChainWriter {
public:
    explicit ChainWriter(const DescriptorChain& c);
    size_t write(std::span<const unsigned char> data);
    // Leaves n bytes as they are (they still count as written: the used length is a
    // position, §2.7.8).
    size_t skip(size_t n) {
        return for_each(n, [](std::span<unsigned char> piece) { return piece.size(); });
    }
    size_t remaining() const { return chain_.writable_bytes - written_; }
    uint32_t written() const { return static_cast<uint32_t>(written_); }

    // Calls fn(span) for each writable piece of the next n bytes (zero-copy fill); fn
    // returns how many bytes it put there (less ends the walk).
    template <typename Fn>
    size_t for_each(size_t n, Fn&& fn) {
        size_t done = 0;
        while (done < n && next_piece()) {
            const Buffer& b = chain_.buffers[index_];
            size_t take = std::min<size_t>(b.len - offset_, n - done);
            size_t got = fn(std::span<unsigned char>(b.host + offset_, take));
            advance(got);
            done += got;
            if (got < take) break;
        }
        return done;
    }

private:
    bool next_piece();
    void advance(size_t n);
    const DescriptorChain& chain_;
    size_t index_ = 0, offset_ = 0, written_ = 0;
};

}  // namespace env::kvm::virtio
