#include "ssh/keys.h"

#include <fcntl.h>
#include <unistd.h>

#include <cstdlib>
#include <sstream>
#include <vector>

#include "ssh/handles.h"
#include "util/sys.h"
#include "util/unique_fd.h"

namespace env::ssh {
namespace {

Result<std::string> public_line_of(ssh_key key) {
    char* b64 = nullptr;
    if (ssh_pki_export_pubkey_base64(key, &b64) != SSH_OK || b64 == nullptr)
        return fail(ErrorKind::Internal, "cannot encode an SSH public key");
    std::string line = std::string(ssh_key_type_to_char(ssh_key_type(key))) + " " + b64;
    ssh_string_free_char(b64);
    return line;
}

}  // namespace

Result<KeyPtr> load_public_key(const std::string& path) {
    std::string text = TRY(sys::read_file(path));
    ssh_key raw = nullptr;
    if (text.find("-----BEGIN ") != std::string::npos) {
        if (ssh_pki_import_privkey_base64(text.c_str(), nullptr, nullptr, nullptr, &raw) !=
                SSH_OK ||
            raw == nullptr)
            return fail(ErrorKind::Invalid, "cannot read the SSH private key " + path);
        return KeyPtr(raw);
    }
    std::istringstream lines(text);
    std::string line;
    while (std::getline(lines, line)) {
        std::istringstream words(line);
        std::vector<std::string> f;
        for (std::string w; words >> w && f.size() < 3;) f.push_back(w);
        if (f.empty() || f[0].starts_with("#")) continue;
        // A key line starts with its type; a known_hosts line with host patterns first.
        size_t t = ssh_key_type_from_name(f[0].c_str()) != SSH_KEYTYPE_UNKNOWN ? 0 : 1;
        if (f.size() < t + 2) continue;
        auto type = ssh_key_type_from_name(f[t].c_str());
        if (type == SSH_KEYTYPE_UNKNOWN) continue;
        if (ssh_pki_import_pubkey_base64(f[t + 1].c_str(), type, &raw) == SSH_OK && raw != nullptr)
            return KeyPtr(raw);
    }
    return fail(ErrorKind::Invalid, "no SSH public key found in " + path);
}

namespace {

// The private and public files of a new ed25519 pair.
Result<std::vector<sys::FileContent>> new_key_pair(const std::string& private_path,
                                          const std::string& comment) {
    ssh_key raw = nullptr;
    if (ssh_pki_generate(SSH_KEYTYPE_ED25519, 0, &raw) != SSH_OK || raw == nullptr)
        return fail(ErrorKind::Internal, "cannot generate an ed25519 key for " + private_path);
    KeyPtr key(raw);
    // libssh writes ed25519 private keys in the OpenSSH format ("BEGIN OPENSSH PRIVATE
    // KEY"), which OpenSSH, dropbearconvert and libssh all read.
    char* b64 = nullptr;
    if (ssh_pki_export_privkey_base64(key.get(), nullptr, nullptr, nullptr, &b64) != SSH_OK ||
        b64 == nullptr)
        return fail(ErrorKind::Internal, "cannot encode the private key " + private_path);
    std::string priv(b64);
    ssh_string_free_char(b64);
    if (!priv.ends_with('\n')) priv += '\n';
    std::string pub = TRY(public_line_of(key.get()));
    if (!comment.empty()) pub += " " + comment;
    pub += '\n';
    // The private key must never be readable by others: OpenSSH refuses such a file.
    return std::vector<sys::FileContent>{{private_path, priv, 0600}, {private_path + ".pub", pub, 0644}};
}

}  // namespace

Result<> generate_key_pair(const std::string& private_path, const std::string& comment) {
    return sys::write_files_atomic(TRY(new_key_pair(private_path, comment)));
}

Result<MachineKeys> ensure_machine_keys(const std::string& dir, const std::string& machine) {
    TRY(sys::make_dirs(dir, 0700));
    MachineKeys k{dir + "/id_ed25519", dir + "/id_ed25519.pub", dir + "/ssh_host_ed25519_key",
                  dir + "/ssh_host_ed25519_key.pub"};
    std::vector<sys::FileContent> files;
    auto add = [&](std::vector<sys::FileContent> pair) {
        for (auto& f : pair) files.push_back(std::move(f));
    };
    if (!sys::exists(k.identity_file) || !sys::exists(k.public_key_file))
        add(TRY(new_key_pair(k.identity_file, "env@" + machine)));
    if (!sys::exists(k.host_key_file) || !sys::exists(k.host_public_key_file))
        add(TRY(new_key_pair(k.host_key_file, "host@" + machine)));
    if (!files.empty()) TRY(sys::write_files_atomic(files));
    return k;
}

Result<std::string> public_key_line(const std::string& key_file) {
    KeyPtr key = TRY(load_public_key(key_file));
    return public_line_of(key.get());
}

std::string known_hosts_line(const std::string& host, int port, const std::string& public_key) {
    // OpenSSH writes "[host]:port" for every port but 22 (sshd(8), SSH_KNOWN_HOSTS FILE FORMAT).
    std::string name = port == 22 ? host : "[" + host + "]:" + std::to_string(port);
    return name + " " + public_key + "\n";
}

Result<> write_known_hosts(const std::string& path, const std::string& host, int port,
                           const std::string& host_public_key_file) {
    std::string key = TRY(public_key_line(host_public_key_file));
    // Not fsynced: it is derived from the host key and rewritten before every boot.
    return sys::write_file_atomic(path, known_hosts_line(host, port, key), 0644,
                                  sys::Durability::AtomicOnly);
}

Result<std::string> fingerprint(const std::string& key_file) {
    KeyPtr key = TRY(load_public_key(key_file));
    unsigned char* hash = nullptr;
    size_t len = 0;
    if (ssh_get_publickey_hash(key.get(), SSH_PUBLICKEY_HASH_SHA256, &hash, &len) != SSH_OK)
        return fail(ErrorKind::Internal, "cannot hash the key " + key_file);
    char* fp = ssh_get_fingerprint_hash(SSH_PUBLICKEY_HASH_SHA256, hash, len);
    ssh_clean_pubkey_hash(&hash);
    if (fp == nullptr) return fail(ErrorKind::Internal, "cannot format a fingerprint");
    std::string out(fp);
    std::free(fp);
    return out;
}

}  // namespace env::ssh
