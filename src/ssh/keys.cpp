#include "ssh/keys.h"

#include <fcntl.h>
#include <unistd.h>

#include <cstdlib>
#include <set>
#include <sstream>
#include <system_error>
#include <thread>
#include <vector>

#include "ssh/handles.h"
#include "util/sys.h"
#include "util/unique_fd.h"

namespace env::ssh {
namespace {

struct KeyFile {
    std::string path, data;
    mode_t mode;
};

// Temporary files that are removed unless renamed into place.
struct TmpFiles {
    std::vector<std::pair<std::string, UniqueFd>> files;
    ~TmpFiles() {
        for (auto& f : files)
            if (!f.first.empty()) ::unlink(f.first.c_str());
    }
};

// Writes every file atomically and durably, as sys::write_file_atomic would one at a time,
// but the files are fsynced concurrently and each directory once. Concurrent fsyncs share
// one journal commit (ext4/jbd2 batches them); one after another, each waits for its own.
// A first `env up` writes four key files: on a busy disk (other builds writing) the eight
// fsyncs of write_file_atomic took 36-44 ms, four in a row 20 ms, four at once 5-8 ms.
// durable=false: atomic only (for files derived from others, rewritten by every up).
Result<> write_files(const std::vector<KeyFile>& files, bool durable = true) {
    TmpFiles tmps;
    for (auto& f : files) {
        std::string tmp = f.path + ".tmp." + std::to_string(::getpid());
        ::unlink(tmp.c_str());  // a leftover of a crash; O_EXCL then applies our mode
        auto fd = TRY(sys::open(tmp, O_WRONLY | O_CREAT | O_EXCL, f.mode));
        tmps.files.emplace_back(tmp, std::move(fd));
        if (auto ok = sys::write_all(tmps.files.back().second.get(), f.data); !ok)
            return std::unexpected(ok.error().context("writing " + f.path));
    }
    if (durable) {
        for (auto& [tmp, fd] : tmps.files) ::sync_file_range(fd.get(), 0, 0, SYNC_FILE_RANGE_WRITE);
        std::vector<int> errs(tmps.files.size(), 0);
        auto sync = [&](size_t i) {
            errs[i] = ::fsync(tmps.files[i].second.get()) == 0 ? 0 : errno;
        };
        {
            std::vector<std::jthread> threads;
            for (size_t i = 1; i < tmps.files.size(); ++i) {
                try {
                    threads.emplace_back(sync, i);
                } catch (const std::system_error&) {
                    sync(i);  // no thread to spare: in turn, then
                }
            }
            if (!tmps.files.empty()) sync(0);
        }
        for (size_t i = 0; i < errs.size(); ++i)
            if (errs[i] != 0) {
                errno = errs[i];
                return fail_errno("fsync " + tmps.files[i].first);
            }
    }
    for (size_t i = 0; i < files.size(); ++i) {
        auto& tmp = tmps.files[i].first;
        if (::rename(tmp.c_str(), files[i].path.c_str()) != 0)
            return fail_errno("rename " + tmp + " to " + files[i].path);
        tmp.clear();
    }
    if (!durable) return {};
    std::set<std::string> dirs;
    for (auto& f : files) {
        auto slash = f.path.rfind('/');
        dirs.insert(slash == std::string::npos ? "." : slash == 0 ? "/" : f.path.substr(0, slash));
    }
    for (auto& d : dirs) {
        UniqueFd dfd = TRY(sys::open(d, O_RDONLY | O_DIRECTORY));
        if (::fsync(dfd.get()) != 0) return fail_errno("fsync " + d);
    }
    return {};
}

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
Result<std::vector<KeyFile>> new_key_pair(const std::string& private_path,
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
    return std::vector<KeyFile>{{private_path, priv, 0600}, {private_path + ".pub", pub, 0644}};
}

}  // namespace

Result<> generate_key_pair(const std::string& private_path, const std::string& comment) {
    return write_files(TRY(new_key_pair(private_path, comment)));
}

Result<MachineKeys> ensure_machine_keys(const std::string& dir, const std::string& machine) {
    TRY(sys::make_dirs(dir, 0700));
    MachineKeys k{dir + "/id_ed25519", dir + "/id_ed25519.pub", dir + "/ssh_host_ed25519_key",
                  dir + "/ssh_host_ed25519_key.pub"};
    std::vector<KeyFile> files;
    auto add = [&](std::vector<KeyFile> pair) {
        for (auto& f : pair) files.push_back(std::move(f));
    };
    if (!sys::exists(k.identity_file) || !sys::exists(k.public_key_file))
        add(TRY(new_key_pair(k.identity_file, "env@" + machine)));
    if (!sys::exists(k.host_key_file) || !sys::exists(k.host_public_key_file))
        add(TRY(new_key_pair(k.host_key_file, "host@" + machine)));
    if (!files.empty()) TRY(write_files(files));
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
    return write_files({{path, known_hosts_line(host, port, key), 0644}}, false);
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
