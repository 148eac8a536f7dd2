#pragma once
// A small HTTP/1.1 server on 127.0.0.1 for download tests: serves files from memory,
// answers Range requests (switchable), can drop the connection halfway through a body,
// can hang without answering, returns 404 for unknown paths, and records every request.
#include <atomic>
#include <cstdint>
#include <map>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

namespace env::box::test {

struct SeenRequest {
    std::string path;
    std::string range;  // the Range header, "" when none
    int status = 0;
};

class HttpServer {
public:
    HttpServer();
    ~HttpServer();
    HttpServer(const HttpServer&) = delete;
    HttpServer& operator=(const HttpServer&) = delete;

    void serve(const std::string& path, std::string body);
    std::string url(const std::string& path) const;
    std::vector<SeenRequest> requests();

    std::atomic<bool> ranges{true};       // honour Range: bytes=N-
    std::atomic<int64_t> drop_after{-1};  // close after this many body bytes (-1: never)
    std::atomic<int> drops_left{0};       // how many responses drop (then normal again)
    std::atomic<bool> hang{false};        // read the request, never answer

private:
    void loop();
    void handle(int fd);

    int listen_fd_ = -1;
    int stop_pipe_[2] = {-1, -1};
    int port_ = 0;
    std::thread thread_;
    std::mutex mu_;
    std::map<std::string, std::string> files_;
    std::vector<SeenRequest> seen_;
};

}  // namespace env::box::test
