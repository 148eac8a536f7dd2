#include <poll.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>
#include <catch2/catch.hpp>

#include <atomic>
#include <chrono>
#include <mutex>
#include <thread>

#include "providers/kvm/vmm/control.h"
#include "util/sys.h"

using namespace env::kvm;
using namespace std::chrono_literals;

namespace {
class FakeHandler : public ControlHandler {
public:
    nlohmann::json handle(const nlohmann::json& req) override {
        std::lock_guard lock(m);
        commands.push_back(req["cmd"].get<std::string>());
        return {{"ok", true}, {"echo", req["cmd"]}};
    }
    size_t console_input(std::string_view bytes) override {
        std::lock_guard lock(m);
        size_t n = std::min(bytes.size(), room);  // a UART with little room left
        typed.append(bytes.substr(0, n));
        room -= n;
        return n;
    }
    void on_signal(int) override {}
    std::string get_typed() {
        std::lock_guard lock(m);
        return typed;
    }
    void add_room(size_t n) {
        std::lock_guard lock(m);
        room += n;
    }
    std::mutex m;
    std::vector<std::string> commands;
    std::string typed;
    size_t room = 4;
};

struct Client {
    int fd = -1;
    explicit Client(const std::string& path) {
        fd = ::socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
        sockaddr_un a{};
        a.sun_family = AF_UNIX;
        std::strncpy(a.sun_path, path.c_str(), sizeof a.sun_path - 1);
        REQUIRE(::connect(fd, reinterpret_cast<sockaddr*>(&a), sizeof a) == 0);
    }
    ~Client() { ::close(fd); }
    void send(const std::string& s) {
        REQUIRE(::write(fd, s.data(), s.size()) == ssize_t(s.size()));
    }
    std::string line() {
        std::string out;
        char c;
        pollfd p{fd, POLLIN, 0};
        while (::poll(&p, 1, 5000) == 1 && ::read(fd, &c, 1) == 1) {
            if (c == '\n') return out;
            out += c;
        }
        return out;
    }
};

template <typename F>
bool eventually(F f) {
    for (int i = 0; i < 250; ++i) {
        if (f()) return true;
        std::this_thread::sleep_for(20ms);
    }
    return false;
}
}  // namespace

TEST_CASE("control socket: JSON lines in, one reply per request, errors for bad input",
          "[kvm][control]") {
    char tmpl[] = "/tmp/env-control-XXXXXX";
    std::string dir = ::mkdtemp(tmpl);
    std::string path = dir + "/c.sock";
    FakeHandler h;
    {
        ControlServer server;
        REQUIRE(server.start(path, -1, &h));
        Client c(path);
        c.send("{\"cmd\":\"status\"}\n{\"cmd\":\"pause\"}\n");
        CHECK(nlohmann::json::parse(c.line())["echo"] == "status");
        CHECK(nlohmann::json::parse(c.line())["echo"] == "pause");
        c.send("{\"cmd\":\"st");  // split across writes
        c.send("atus\"}\n");
        CHECK(nlohmann::json::parse(c.line())["echo"] == "status");
        c.send("garbage\n");
        CHECK(nlohmann::json::parse(c.line())["ok"] == false);
        c.send("{\"nocmd\":1}\n");
        CHECK(nlohmann::json::parse(c.line())["ok"] == false);

        SECTION("console mode: output is copied to the client, input waits for room") {
            Client con(path);
            con.send("{\"cmd\":\"console\"}\nabcdefgh");
            CHECK(con.line() == "{\"ok\":true}");
            CHECK(eventually([&] { return h.get_typed() == "abcd"; }));
            h.add_room(100);
            CHECK(eventually([&] { return h.get_typed() == "abcdefgh"; }));
            server.console_output("guest says hi\n");
            CHECK(con.line() == "guest says hi");
        }
        server.stop();
        CHECK_FALSE(env::sys::exists(path));  // the socket file is removed
    }
    std::lock_guard lock(h.m);
    CHECK(h.commands.size() >= 3);
    (void)env::sys::remove_tree(dir);
}
