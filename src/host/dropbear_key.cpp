#include "host/dropbear_key.h"

#include <cstdint>
#include <string_view>

#include "util/sys.h"

namespace env::host {
namespace {

std::string base64_decode(std::string_view in) {
    auto value = [](char c) -> int {
        if (c >= 'A' && c <= 'Z') return c - 'A';
        if (c >= 'a' && c <= 'z') return c - 'a' + 26;
        if (c >= '0' && c <= '9') return c - '0' + 52;
        if (c == '+') return 62;
        if (c == '/') return 63;
        return -1;
    };
    std::string out;
    uint32_t acc = 0;
    int bits = 0;
    for (char c : in) {
        int v = value(c);
        if (v < 0) continue;  // line breaks and '=' padding
        acc = (acc << 6) | static_cast<uint32_t>(v);
        bits += 6;
        if (bits >= 8) {
            bits -= 8;
            out.push_back(static_cast<char>((acc >> bits) & 0xff));
        }
    }
    return out;
}

// SSH wire format reader (RFC 4251 section 5): uint32 big-endian, string = uint32 length + bytes.
struct Reader {
    std::string_view data;
    bool ok = true;
    uint32_t u32() {
        if (data.size() < 4) return ok = false, 0;
        auto b = reinterpret_cast<const unsigned char*>(data.data());
        uint32_t v = (uint32_t{b[0]} << 24) | (uint32_t{b[1]} << 16) | (uint32_t{b[2]} << 8) | b[3];
        data.remove_prefix(4);
        return v;
    }
    std::string_view str() {
        uint32_t n = u32();
        if (!ok || data.size() < n) return ok = false, std::string_view{};
        auto s = data.substr(0, n);
        data.remove_prefix(n);
        return s;
    }
};

void put_string(std::string& out, std::string_view s) {
    uint32_t n = static_cast<uint32_t>(s.size());
    for (int shift : {24, 16, 8, 0}) out.push_back(static_cast<char>((n >> shift) & 0xff));
    out.append(s);
}

}  // namespace

Result<std::string> dropbear_host_key_from_openssh(const std::string& path) {
    auto text = TRY(sys::read_file(path));
    const std::string begin = "-----BEGIN OPENSSH PRIVATE KEY-----";
    const std::string end = "-----END OPENSSH PRIVATE KEY-----";
    auto b = text.find(begin), e = text.find(end);
    if (b == std::string::npos || e == std::string::npos || e < b)
        return fail(ErrorKind::Invalid, path + ": not an OpenSSH private key");
    std::string blob =
        base64_decode(std::string_view(text).substr(b + begin.size(), e - b - begin.size()));
    const std::string_view magic("openssh-key-v1\0", 15);
    if (blob.compare(0, magic.size(), magic) != 0)
        return fail(ErrorKind::Invalid, path + ": not an openssh-key-v1 key");
    Reader r{std::string_view(blob).substr(magic.size())};
    auto cipher = r.str();
    auto kdf = r.str();
    r.str();  // kdf options
    uint32_t nkeys = r.u32();
    r.str();  // public key
    Reader priv{r.str()};
    if (!r.ok || cipher != "none" || kdf != "none" || nkeys != 1)
        return fail(ErrorKind::Invalid, path + ": an encrypted or multi-key file");
    uint32_t check1 = priv.u32(), check2 = priv.u32();
    auto type = priv.str();
    auto pub = priv.str();
    auto secret = priv.str();
    if (!priv.ok || check1 != check2 || type != "ssh-ed25519" || pub.size() != 32 ||
        secret.size() != 64)
        return fail(ErrorKind::Invalid, path + ": not an ed25519 key");
    std::string out;
    put_string(out, "ssh-ed25519");
    put_string(out, secret);
    return out;
}

}  // namespace env::host
