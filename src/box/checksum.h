#pragma once
// Checksums of downloaded boxes: sha256, sha512, sha1, md5 (the types Vagrant catalogs use),
// computed with OpenSSL's EVP while the bytes stream in, so verifying costs no second pass.
#include <memory>
#include <string>
#include <string_view>

#include "util/error.h"

namespace env::box {

// "  AB12 cd\n" -> "ab12cd": case and whitespace do not matter when comparing.
std::string normalize_checksum(std::string_view text);
// "SHA256" -> "sha256"; an empty type with a non-empty checksum means sha256.
Result<std::string> normalize_checksum_type(std::string_view type);

class Hasher {
public:
    static Result<Hasher> create(const std::string& type);
    Hasher(Hasher&&) noexcept;
    Hasher& operator=(Hasher&&) noexcept;
    ~Hasher();

    void update(const void* data, size_t n);
    // Hashes a whole file from the start (used to catch up with a resumed partial download).
    Result<> update_file(const std::string& path, uint64_t limit = UINT64_MAX);
    std::string hex();  // finalises
    const std::string& type() const { return type_; }

private:
    Hasher() = default;
    struct Ctx;
    std::unique_ptr<Ctx> ctx_;
    std::string type_;
};

// Compares after normalising both sides; the error names what was expected and what came.
Result<> verify_checksum(const std::string& what, const std::string& type,
                         const std::string& expected, const std::string& actual);

}  // namespace env::box
