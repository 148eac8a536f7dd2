// util/progress.h: the bar on a terminal, plain lines otherwise, summaries to a sink.
#include "util/progress.h"

#include <pty.h>
#include <unistd.h>

#include <algorithm>
#include <catch2/catch.hpp>
#include <chrono>
#include <thread>
#include <vector>

#include "tests/test_support.h"

using namespace env;

namespace {

// A summary without its rate, which depends on the clock: "dl 40% 400 B of 1000 B".
std::string without_rate(const std::string& s) {
    auto comma = s.rfind(", ");
    REQUIRE(comma != std::string::npos);
    CHECK(s.ends_with("/s"));
    return s.substr(0, comma);
}

}  // namespace

TEST_CASE(
    "a sink for appended lines gets one summary per 10% and one at the end, nothing on "
    "stderr",
    "[progress]") {
    env::test::CapturedStderr err;
    std::vector<std::string> got;
    {
        Progress p(
            "dl", 1000,
            ProgressSink{.report = [&](const std::string& s) { got.push_back(s); }, .live = false});
        for (uint64_t done = 0; done <= 1000; done += 50) p.update(done);
        p.finish();
        p.finish();  // once only
    }
    err.restore();
    CHECK(err.text() == "");
    REQUIRE(got.size() == 11);
    CHECK(without_rate(got[0]) == "dl 0% 0 B of 1000 B");
    CHECK(without_rate(got[4]) == "dl 40% 400 B of 1000 B");
    CHECK(without_rate(got[9]) == "dl 90% 900 B of 1000 B");
    CHECK(without_rate(got[10]) == "dl 100% 1000 B of 1000 B");
}

TEST_CASE("a sink without a total gets bytes only, a live sink at most one summary per 200 ms",
          "[progress]") {
    env::test::CapturedStderr err;
    std::vector<std::string> lines, live;
    {
        Progress p("", 0,
                   ProgressSink{.report = [&](const std::string& s) { lines.push_back(s); }});
        p.update(1536);
        p.finish();
    }
    REQUIRE(lines.size() == 1);  // unknown total: no tenths to report, only the end
    CHECK(without_rate(lines[0]) == "1.5 KiB");

    auto start = std::chrono::steady_clock::now();
    {
        Progress p(
            "extracting", 100 << 20,
            ProgressSink{.report = [&](const std::string& s) { live.push_back(s); }, .live = true});
        for (int i = 1; i <= 50; ++i) {
            p.update(uint64_t(i) << 20);
            std::this_thread::sleep_for(std::chrono::milliseconds(10));
        }
        p.abandon();  // a failure: no final summary, and no line to end
    }
    double ms =
        std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start).count();
    err.restore();
    CHECK(err.text() == "");
    REQUIRE(!live.empty());
    CHECK(live.size() <= static_cast<size_t>(ms / 200) + 1);
    CHECK(without_rate(live.back()).starts_with("extracting "));
    CHECK(without_rate(live.back()).ends_with(" MiB of 100.0 MiB"));
    CHECK(live.back().find("% ") != std::string::npos);
}

TEST_CASE("without a sink: plain lines per 10% on a file, a redrawn bar on a terminal",
          "[progress]") {
    env::test::CapturedStderr err;
    {
        Progress p("box 1.0", 2048, 2);
        p.update(1024);
        p.update(1100);  // same tenth: no new line
        p.set_total(2048);
        p.update(2048);
        p.finish();
    }
    err.restore();
    std::string text = err.text();
    INFO(text);
    // "box 1.0: 1.0 KiB of 2.0 KiB (R/s)\n" then the end with " done".
    CHECK(text.starts_with("box 1.0: 1.0 KiB of 2.0 KiB ("));
    CHECK(text.find(")\nbox 1.0: 2.0 KiB of 2.0 KiB (") != std::string::npos);
    CHECK(text.ends_with(") done\n"));
    CHECK(std::count(text.begin(), text.end(), '\n') == 2);

    int master = -1, slave = -1;
    REQUIRE(::openpty(&master, &slave, nullptr, nullptr, nullptr) == 0);
    {
        Progress p("box", 4096, slave);
        p.update(2048);
        p.finish();
    }
    ::close(slave);
    std::string tty;
    char buf[512];
    for (ssize_t n; (n = ::read(master, buf, sizeof buf)) > 0;) tty.append(buf, n);
    ::close(master);
    INFO(tty);
    // Only the end is drawn (the update came within 100 ms of the start).
    CHECK(tty.starts_with("\r\x1b[Kbox [############------------] 2.0 KiB / 4.0 KiB "));
    CHECK(tty.ends_with("/s\r\n"));  // the terminal turns "\n" into "\r\n"
}
