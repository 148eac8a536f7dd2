#include "providers/container/machine_files.h"

#include <fcntl.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include <nlohmann/json.hpp>

#include "util/sys.h"

namespace env::container {
namespace {

std::string pids_json(SupervisorPids p) {
    return nlohmann::json{{"supervisor", p.supervisor}, {"init", p.init}}.dump() + "\n";
}

void parse_pids(const std::string& text, SupervisorPids* out) {
    if (!out) return;
    try {
        auto j = nlohmann::json::parse(text);
        out->supervisor = j.value("supervisor", 0);
        out->init = j.value("init", 0);
    } catch (...) {
    }
}

}  // namespace

SupervisorLiveness probe_supervisor(const std::string& pid_file, SupervisorPids* pids) {
    int fd = ::open(pid_file.c_str(), O_RDONLY | O_CLOEXEC);
    if (fd < 0) return SupervisorLiveness::Absent;
    UniqueFd guard(fd);
    if (auto text = sys::read_all(fd)) parse_pids(*text, pids);
    if (::flock(fd, LOCK_SH | LOCK_NB) != 0) return SupervisorLiveness::Alive;
    // We got the lock: either the supervisor died, or it unlinked the file and exited
    // between our open and our flock. Only a file still in place means a crash.
    struct stat a, b;
    if (::fstat(fd, &a) != 0 || ::stat(pid_file.c_str(), &b) != 0 || a.st_ino != b.st_ino ||
        a.st_dev != b.st_dev)
        return SupervisorLiveness::Absent;
    return SupervisorLiveness::Dead;
}

Result<PidFile> PidFile::create(const std::string& path, SupervisorPids pids) {
    std::string tmp = path + ".tmp." + std::to_string(::getpid());
    PidFile f;
    f.path_ = path;
    f.fd_ = TRY(sys::open(tmp, O_RDWR | O_CREAT | O_TRUNC, 0644));
    if (::flock(f.fd_.get(), LOCK_EX | LOCK_NB) != 0) return fail_errno("lock " + tmp);
    TRY(sys::write_all(f.fd_.get(), pids_json(pids)));
    if (::rename(tmp.c_str(), path.c_str()) != 0) {
        auto e = fail_errno("rename " + tmp + " to " + path);
        ::unlink(tmp.c_str());
        return e;
    }
    return f;
}

Result<> PidFile::update(SupervisorPids pids) {
    std::string text = pids_json(pids);
    if (::pwrite(fd_.get(), text.data(), text.size(), 0) != static_cast<ssize_t>(text.size()))
        return fail_errno("write " + path_);
    if (::ftruncate(fd_.get(), static_cast<off_t>(text.size())) != 0)
        return fail_errno("truncate " + path_);
    return {};
}

void PidFile::remove() {
    if (!fd_) return;
    ::unlink(path_.c_str());
    fd_.reset();
}

}  // namespace env::container
