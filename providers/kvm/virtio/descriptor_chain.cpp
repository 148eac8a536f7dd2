#include "providers/kvm/virtio/descriptor_chain.h"

#include <algorithm>
#include <cstring>

namespace env::kvm::virtio {

bool ChainReader::next_piece() {
    while (index_ < chain_.buffers.size()) {
        const Buffer& b = chain_.buffers[index_];
        if (b.writable) return false;  // the readable part is over
        if (offset_ < b.len) return true;
        ++index_;
        offset_ = 0;
    }
    return false;
}

void ChainReader::advance(size_t n) {
    offset_ += n;
    consumed_ += n;
}

size_t ChainReader::read(std::span<unsigned char> out) {
    size_t done = 0;
    for_each(out.size(), [&](std::span<const unsigned char> piece) {
        std::memcpy(out.data() + done, piece.data(), piece.size());
        done += piece.size();
    });
    return done;
}

size_t ChainReader::skip(size_t n) {
    return for_each(n, [](std::span<const unsigned char>) {});
}

ChainWriter::ChainWriter(const DescriptorChain& c) : chain_(c) {
    // Writable buffers follow the readable ones: start at the first writable.
    while (index_ < chain_.buffers.size() && !chain_.buffers[index_].writable) ++index_;
}

bool ChainWriter::next_piece() {
    while (index_ < chain_.buffers.size()) {
        if (offset_ < chain_.buffers[index_].len) return true;
        ++index_;
        offset_ = 0;
    }
    return false;
}

void ChainWriter::advance(size_t n) {
    offset_ += n;
    written_ += n;
}

size_t ChainWriter::write(std::span<const unsigned char> data) {
    size_t done = 0;
    for_each(data.size(), [&](std::span<unsigned char> piece) {
        std::memcpy(piece.data(), data.data() + done, piece.size());
        done += piece.size();
        return piece.size();
    });
    return done;
}

}  // namespace env::kvm::virtio
