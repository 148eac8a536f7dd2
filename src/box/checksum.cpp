#include "box/checksum.h"

#include <fcntl.h>
#include <openssl/evp.h>

#include <cctype>

#include "util/sys.h"

namespace env::box {

struct Hasher::Ctx {
    EVP_MD_CTX* md = nullptr;
    ~Ctx() {
        if (md) EVP_MD_CTX_free(md);
    }
};

std::string normalize_checksum(std::string_view text) {
    std::string out;
    for (char c : text)
        if (!std::isspace(static_cast<unsigned char>(c)))
            out += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    return out;
}

Result<std::string> normalize_checksum_type(std::string_view type) {
    std::string t = normalize_checksum(type);
    if (t.empty()) return std::string("sha256");
    if (t == "sha256" || t == "sha512" || t == "sha1" || t == "md5") return t;
    return fail(ErrorKind::Invalid, "unsupported checksum type '" + std::string(type) +
                                        "' (use sha256, sha512, sha1 or md5)");
}

Result<Hasher> Hasher::create(const std::string& type) {
    std::string t = TRY(normalize_checksum_type(type));
    const EVP_MD* md = t == "sha256"   ? EVP_sha256()
                       : t == "sha512" ? EVP_sha512()
                       : t == "sha1"   ? EVP_sha1()
                                       : EVP_md5();
    Hasher h;
    h.type_ = t;
    h.ctx_ = std::make_unique<Ctx>();
    h.ctx_->md = EVP_MD_CTX_new();
    if (!h.ctx_->md || EVP_DigestInit_ex(h.ctx_->md, md, nullptr) != 1)
        return fail(ErrorKind::Internal, "cannot initialise " + t);
    return h;
}

Hasher::Hasher(Hasher&&) noexcept = default;
Hasher& Hasher::operator=(Hasher&&) noexcept = default;
Hasher::~Hasher() = default;

void Hasher::update(const void* data, size_t n) {
    EVP_DigestUpdate(ctx_->md, data, n);
}

Result<> Hasher::update_file(const std::string& path, uint64_t limit) {
    UniqueFd fd = TRY(sys::open(path, O_RDONLY));
    std::string buf(1 << 20, '\0');
    uint64_t done = 0;
    while (done < limit) {
        size_t want = static_cast<size_t>(std::min<uint64_t>(buf.size(), limit - done));
        ssize_t n = ::read(fd.get(), buf.data(), want);
        if (n < 0) {
            if (errno == EINTR) continue;
            return fail_errno("read " + path);
        }
        if (n == 0) break;
        update(buf.data(), static_cast<size_t>(n));
        done += static_cast<uint64_t>(n);
    }
    return {};
}

std::string Hasher::hex() {
    unsigned char out[EVP_MAX_MD_SIZE];
    unsigned int len = 0;
    EVP_DigestFinal_ex(ctx_->md, out, &len);
    static const char* digits = "0123456789abcdef";
    std::string s;
    for (unsigned i = 0; i < len; ++i) {
        s += digits[out[i] >> 4];
        s += digits[out[i] & 15];
    }
    return s;
}

Result<> verify_checksum(const std::string& what, const std::string& type,
                         const std::string& expected, const std::string& actual) {
    if (normalize_checksum(expected) == normalize_checksum(actual)) return {};
    return fail(ErrorKind::Invalid, "checksum mismatch for " + what + ": expected " + type + " " +
                                        normalize_checksum(expected) + ", got " +
                                        normalize_checksum(actual));
}

}  // namespace env::box
