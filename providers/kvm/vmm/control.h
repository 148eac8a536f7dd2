#pragma once
// The control socket: a unix stream socket speaking JSON lines. Each request is one object
// {"cmd": "..."} and gets one reply object {"ok": true, ...} or {"ok": false, "error": "..."}.
// {"cmd": "console"} turns the connection into a raw byte stream: the guest's serial output
// is copied to it and what the client writes is typed into the serial port.
// One thread polls the listening socket, the clients, a wake-up eventfd and the VMM's
// signalfd; handlers run on that thread.
#include <functional>
#include <mutex>
#include <nlohmann/json.hpp>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

#include "util/error.h"
#include "util/unique_fd.h"

namespace env::kvm {

class ControlHandler {
public:
    virtual ~ControlHandler() = default;
    virtual nlohmann::json handle(const nlohmann::json& request) = 0;
    // Console bytes from a client; returns how many were accepted (the rest is retried).
    virtual size_t console_input(std::string_view bytes) = 0;
    // A signal arrived on the signalfd given to start().
    virtual void on_signal(int signo) = 0;
};

class ControlServer {
public:
    ~ControlServer();
    // Binds `path` (replacing a stale socket file) and starts the thread. An empty path
    // only serves the signalfd. `signal_fd` may be -1.
    Result<> start(const std::string& path, int signal_fd, ControlHandler* handler);
    void stop();
    // Copies guest serial output to every console client (dropped for a client that lags).
    void console_output(std::string_view bytes);

private:
    struct Client {
        UniqueFd fd;
        std::string in;          // partial request line
        std::string console_in;  // console bytes the serial port had no room for yet
        bool console = false;
    };
    void loop();
    void serve(Client& c);  // returns with c.fd reset when the client is gone

    std::string path_;
    UniqueFd listen_;
    UniqueFd wake_;
    int signal_fd_ = -1;
    ControlHandler* handler_ = nullptr;
    std::thread thread_;
    std::mutex mutex_;  // clients_ (console_output runs on vCPU threads)
    std::vector<Client> clients_;
    bool stopping_ = false;
};

}  // namespace env::kvm
