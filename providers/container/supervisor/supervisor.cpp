#include "providers/container/supervisor/supervisor.h"

#include <fcntl.h>
#include <signal.h>
#include <sys/epoll.h>
#include <sys/signalfd.h>
#include <sys/timerfd.h>
#include <sys/wait.h>
#include <unistd.h>

#include <spdlog/spdlog.h>
#include <nlohmann/json.hpp>

#include <chrono>
#include <map>

#include "host/cgroup.h"
#include "host/console.h"
#include "host/control_server.h"
#include "host/tap_device.h"
#include "providers/container/capabilities.h"
#include "providers/container/machine_files.h"
#include "providers/container/supervisor/container_process.h"
#include "providers/container/supervisor/extra_nics.h"
#include "util/sys.h"

namespace env::container {
namespace {

constexpr int kStartTimeoutMs = 30000;

class Supervisor {
public:
    Supervisor(SupervisorConfig cfg, const NetworkAttachmentFactory& network, UniqueFd held_port)
        : cfg_(std::move(cfg)),
          files_{cfg_.state_dir},
          network_factory_(network),
          held_port_(std::move(held_port)) {}

    // Everything up to "init is running". On failure, undoes what it did.
    Result<> start() {
        if (probe_supervisor(files_.pid()) == SupervisorLiveness::Alive)
            return fail(ErrorKind::Busy, "another supervisor is running this machine");
        pid_file_ = TRY(PidFile::create(files_.pid(), {::getpid(), 0}));
        auto ok = start_container();
        if (!ok) {
            teardown();
            return ok;
        }
        return {};
    }

    int loop();
    void teardown();

private:
    Result<> start_container() {
        cgroup_ = TRY(host::open_host_cgroup(cfg_.cgroup_name));
        TRY(cgroup_->remove());  // leftovers of a supervisor that was killed
        TRY(cgroup_->create(cfg_.limits));
        console_ = TRY(host::Console::open(files_.console_log()));
        // The container's root must be able to open its console.
        if (cfg_.user_namespace) TRY(console_->give_to(cfg_.id_base, cfg_.id_base));
        RootfsInputs in;
        in.binds = cfg_.binds;
        in.masked = cfg_.masked;
        in.cgroups = cgroup_->inner_mounts();
        in.cgroup_v2 = cgroup_->v2();
        in.console = true;
        in.user_namespace = cfg_.user_namespace;
        ContainerSpec spec{&cfg_, TRY(plan_rootfs(in)), plan_cgroup_mounts(in),
                           console_->slave_path(), read_last_cap()};
        auto started = std::chrono::steady_clock::now();
        std::vector<UniqueFd> join;
        for (auto& f : cgroup_->self_placement_files()) {
            join.push_back(TRY(sys::open(f, O_WRONLY)));
            spec.join_fds.push_back(join.back().get());
        }
        ContainerProcess::Placement place;
        if (join.empty()) place = [&](pid_t p) { return cgroup_->add(p); };
        process_ = TRY(ContainerProcess::start(spec, place));
        init_pid_ = process_->pid();
        wait_pid_ = process_->wait_pid();
        TRY(process_->netns_ready(kStartTimeoutMs));
        UniqueFd tap;
        if (cfg_.network)
            TRY(in_netns_of(init_pid_, [&]() -> Result<> {
                tap = TRY(host::create_tap(host::TapConfig{}));
                return {};
            }));
        // The extra networks too, before the init runs: a service that binds its address at
        // boot (nginx on 192.168.56.21:80) must find it there.
        extra_nics_ = TRY(ExtraNics::attach(cfg_.nics, init_pid_, cfg_.state_dir + "/leases.json"));
        TRY(process_->release());
        TRY(process_->wait_running(kStartTimeoutMs));
        spdlog::info("container init is pid {} (started in {} ms)", init_pid_,
                     std::chrono::duration_cast<std::chrono::milliseconds>(
                         std::chrono::steady_clock::now() - started)
                         .count());
        if (tap) {
            network_ = network_factory_ ? network_factory_(cfg_) : nullptr;
            if (!network_) network_ = std::make_unique<HoldingAttachment>();
            TapDevice dev;
            dev.fd = std::move(tap);
            dev.name = "eth0";
            dev.forwards = cfg_.forwards;
            if (held_port_) dev.held_ports.push_back(TRY(net::adopt_port(std::move(held_port_))));
            TRY(network_->start(std::move(dev)));
        }
        TRY(pid_file_->update({::getpid(), init_pid_}));
        control_ = TRY(host::ControlServer::listen("control.sock"));
        start_time_ = std::chrono::steady_clock::now();
        return {};
    }

    void begin_stop(bool graceful);
    void handle_connection(int fd);
    std::string status_json() const;

    SupervisorConfig cfg_;
    MachineFiles files_;
    const NetworkAttachmentFactory& network_factory_;
    UniqueFd held_port_;  // until the NAT takes the port over; closed with us otherwise
    std::optional<PidFile> pid_file_;
    std::unique_ptr<host::Cgroup> cgroup_;
    std::optional<host::Console> console_;
    std::optional<ContainerProcess> process_;
    std::unique_ptr<NetworkAttachment> network_;
    std::unique_ptr<ExtraNics> extra_nics_;
    std::optional<host::ControlServer> control_;
    pid_t init_pid_ = -1;
    pid_t wait_pid_ = -1;
    bool init_exited_ = false;
    bool stopping_ = false;
    UniqueFd epoll_, signal_fd_, timer_;
    std::map<int, std::pair<UniqueFd, std::string>> conns_;  // fd -> (socket, buffered input)
    std::vector<UniqueFd> waiters_;  // stop/kill clients, released by our exit
    std::chrono::steady_clock::time_point start_time_;
};

std::string Supervisor::status_json() const {
    auto up = std::chrono::duration_cast<std::chrono::milliseconds>(
                  std::chrono::steady_clock::now() - start_time_)
                  .count();
    return nlohmann::json{{"ok", true},
                          {"state", stopping_ ? "stopping" : "running"},
                          {"supervisor", ::getpid()},
                          {"init", init_pid_},
                          {"uptime_ms", up}}
               .dump() +
           "\n";
}

void Supervisor::begin_stop(bool graceful) {
    if (init_exited_) return;
    if (!graceful) {
        spdlog::info("killing the container");
        ::kill(init_pid_, SIGKILL);
        // Nothing in it can use the network any more. Closing the tap (its device's
        // unregistration waits for RCU, ~20 ms) now overlaps with the kernel tearing down
        // the container's namespaces, instead of following it in teardown().
        if (network_) network_->stop();
    } else if (!stopping_) {
        spdlog::info("stopping the container (signal {}, {} ms before SIGKILL)", cfg_.stop_signal,
                     cfg_.stop_timeout_ms);
        ::kill(init_pid_, cfg_.stop_signal);
        itimerspec t{};
        t.it_value.tv_sec = cfg_.stop_timeout_ms / 1000;
        t.it_value.tv_nsec = (cfg_.stop_timeout_ms % 1000) * 1000000L;
        if (t.it_value.tv_sec == 0 && t.it_value.tv_nsec == 0) t.it_value.tv_nsec = 1;
        ::timerfd_settime(timer_.get(), 0, &t, nullptr);
    }
    stopping_ = true;
}

void Supervisor::handle_connection(int fd) {
    auto& [sock, buf] = conns_[fd];
    char tmp[1024];
    ssize_t n = ::read(fd, tmp, sizeof tmp);
    if (n <= 0) {
        if (n < 0 && errno == EAGAIN) return;
        ::epoll_ctl(epoll_.get(), EPOLL_CTL_DEL, fd, nullptr);
        conns_.erase(fd);
        return;
    }
    buf.append(tmp, static_cast<size_t>(n));
    auto nl = buf.find('\n');
    if (nl == std::string::npos) {
        if (buf.size() > 4096) conns_.erase(fd);
        return;
    }
    std::string op;
    try {
        op = nlohmann::json::parse(buf.substr(0, nl)).value("op", "");
    } catch (...) {
    }
    std::string reply = R"({"ok":true})"
                        "\n";
    bool wait = false;
    if (op == "status") {
        reply = status_json();
    } else if (op == "stop" || op == "kill") {
        begin_stop(op == "stop");
        wait = true;
    } else {
        reply = nlohmann::json{{"ok", false}, {"error", "unknown op '" + op + "'"}}.dump() + "\n";
    }
    (void)sys::write_all(fd, reply);
    ::epoll_ctl(epoll_.get(), EPOLL_CTL_DEL, fd, nullptr);
    if (wait) waiters_.push_back(std::move(sock));
    conns_.erase(fd);
}

int Supervisor::loop() {
    epoll_.reset(::epoll_create1(EPOLL_CLOEXEC));
    sigset_t set;
    sigemptyset(&set);
    for (int s : {SIGCHLD, SIGTERM, SIGINT, SIGHUP}) sigaddset(&set, s);
    signal_fd_.reset(::signalfd(-1, &set, SFD_CLOEXEC | SFD_NONBLOCK));
    timer_.reset(::timerfd_create(CLOCK_MONOTONIC, TFD_CLOEXEC | TFD_NONBLOCK));
    auto watch = [&](int fd) {
        epoll_event ev{};
        ev.events = EPOLLIN;
        ev.data.fd = fd;
        ::epoll_ctl(epoll_.get(), EPOLL_CTL_ADD, fd, &ev);
    };
    watch(signal_fd_.get());
    watch(timer_.get());
    watch(control_->fd());
    watch(console_->master());
    // A SIGCHLD that arrived before the signalfd existed is still pending: check once.
    int status = 0;
    if (::waitpid(wait_pid_, &status, WNOHANG) == wait_pid_) init_exited_ = true;

    while (!init_exited_) {
        epoll_event evs[16];
        int n = ::epoll_wait(epoll_.get(), evs, 16, -1);
        if (n < 0 && errno == EINTR) continue;
        for (int i = 0; i < n; ++i) {
            int fd = evs[i].data.fd;
            if (fd == signal_fd_.get()) {
                signalfd_siginfo si;
                while (::read(fd, &si, sizeof si) == sizeof si) {
                    if (si.ssi_signo == SIGTERM || si.ssi_signo == SIGINT) begin_stop(true);
                }
                if (::waitpid(wait_pid_, &status, WNOHANG) == wait_pid_) init_exited_ = true;
            } else if (fd == timer_.get()) {
                uint64_t x;
                (void)!::read(fd, &x, sizeof x);
                spdlog::warn("the container did not stop within {} ms: SIGKILL",
                             cfg_.stop_timeout_ms);
                begin_stop(false);
            } else if (fd == control_->fd()) {
                for (UniqueFd c = control_->accept(); c; c = control_->accept()) {
                    int cfd = c.get();
                    conns_[cfd] = {std::move(c), ""};
                    watch(cfd);
                }
            } else if (fd == console_->master()) {
                console_->pump();
            } else {
                handle_connection(fd);
            }
        }
    }
    if (WIFEXITED(status))
        spdlog::info("container init exited with status {}", WEXITSTATUS(status));
    else
        spdlog::info("container init killed by signal {}", WTERMSIG(status));
    teardown();
    return 0;
}

void Supervisor::teardown() {
    if (network_) network_->stop();
    if (process_ && !init_exited_) {
        ::kill(init_pid_, SIGKILL);
        ::kill(wait_pid_, SIGKILL);
        ::waitpid(wait_pid_, nullptr, 0);
    }
    extra_nics_.reset();
    detach_extra_nics(cfg_.nics);
    if (console_) console_->pump();
    if (cgroup_)
        if (auto r = cgroup_->remove(); !r)
            spdlog::error("removing the cgroup: {}", r.error().what());
    if (control_) control_->remove();
    if (pid_file_) pid_file_->remove();
    spdlog::info("supervisor done");
}

}  // namespace

int run_supervisor(const std::string& state_dir, int ready_fd,
                   const NetworkAttachmentFactory& network, UniqueFd held_port) {
    auto report = [&](const std::string& line) {
        if (ready_fd < 0) return;
        (void)sys::write_all(ready_fd, line);
        ::close(ready_fd);
        ready_fd = -1;
    };
    if (ready_fd >= 0) (void)sys::write_all(ready_fd, "pid " + std::to_string(::getpid()) + "\n");
    if (::chdir(state_dir.c_str()) != 0) {
        report("error: cannot enter " + state_dir + "\n");
        return 1;
    }
    auto text = sys::read_file(MachineFiles{state_dir}.config());
    auto cfg = text ? config_from_json(*text) : std::unexpected(text.error());
    if (!cfg) {
        spdlog::error("{}", cfg.error().what());
        report("error: " + cfg.error().what() + "\n");
        return 1;
    }
    // Signals are read from a signalfd in the loop; SIGPIPE must not kill us when a
    // control client goes away.
    sigset_t set;
    sigemptyset(&set);
    for (int s : {SIGCHLD, SIGTERM, SIGINT, SIGHUP}) sigaddset(&set, s);
    ::sigprocmask(SIG_BLOCK, &set, nullptr);
    ::signal(SIGPIPE, SIG_IGN);

    spdlog::info("supervisor {} starting machine {} of project {}", ::getpid(), cfg->machine,
                 cfg->project);
    Supervisor sup(std::move(*cfg), network, std::move(held_port));
    if (auto ok = sup.start(); !ok) {
        spdlog::error("{}", ok.error().what());
        report("error: " + ok.error().what() + "\n");
        return 1;
    }
    report("ok\n");
    return sup.loop();
}

}  // namespace env::container
