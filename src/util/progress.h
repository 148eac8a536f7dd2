#pragma once
// Progress of one long operation (a download, an extraction). On a TTY it redraws one line
// with a bar, bytes, rate and ETA; otherwise it prints a plain line every 10% so that logs
// and CI output stay readable.
#include <chrono>
#include <cstdint>
#include <string>

namespace env {

class Progress {
public:
    // total may be 0 when unknown; fd is where to draw (stderr by default).
    Progress(std::string label, uint64_t total, int fd = 2);
    ~Progress();
    void set_total(uint64_t total) { total_ = total; }
    void update(uint64_t done);
    void finish();
    // The operation failed: end the line without claiming "done".
    void abandon();

    // Formats 1536 as "1.5 KiB".
    static std::string human_bytes(uint64_t n);

private:
    void draw(bool final);

    std::string label_;
    uint64_t total_;
    uint64_t done_ = 0;
    int fd_;
    bool tty_;
    bool finished_ = false;
    int last_decile_ = -1;
    std::chrono::steady_clock::time_point start_, last_draw_;
};

}  // namespace env
