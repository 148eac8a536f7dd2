// util/status_board.h and live_lines.h: what a multi-machine command prints per machine.
#include "util/status_board.h"

#include <unistd.h>

#include <catch2/catch.hpp>

#include "util/live_lines.h"
#include "util/sys.h"

using namespace env;

namespace {

// Everything written to the write end, read once the writer is done.
struct Capture {
    int fds[2];
    Capture() { REQUIRE(::pipe(fds) == 0); }
    ~Capture() {
        ::close(fds[0]);
        if (fds[1] >= 0) ::close(fds[1]);
    }
    std::string take() {
        ::close(fds[1]);
        fds[1] = -1;
        return sys::read_all(fds[0]).value_or("");
    }
};

}  // namespace

TEST_CASE("plain board: one prefixed line per step, outcome with elapsed time", "[board]") {
    Capture c;
    auto b = make_plain_board({"web1", "web2"}, c.fds[1]);
    b->update(0, RowState::Running, "");  // no step named yet: nothing to say
    b->update(0, RowState::Running, "waiting for SSH");
    b->update(0, RowState::Running, "waiting for SSH");  // unchanged: said once
    b->update(1, RowState::Running, "starting");
    b->update(1, RowState::Failed, "SSH did not answer\nlast console lines: ...");
    b->print("web1: hello\n", c.fds[1]);
    b->update(0, RowState::Done, "running");
    b->close();
    std::string out = c.take();
    CHECK(out.rfind("web1: waiting for SSH\nweb2: starting\nweb2: failed: SSH did not answer [",
                    0) == 0);
    CHECK(out.find("console lines") == std::string::npos);  // the summary has it all
    CHECK(out.find("web1: hello\nweb1: running [") != std::string::npos);
    CHECK(out.find("waiting for SSH\nweb1: waiting") == std::string::npos);
    CHECK(out.back() == '\n');
}

TEST_CASE("live rows: name column, elapsed, state and step, cut to the width", "[board]") {
    BoardRow r{.name = "web1"};
    CHECK(format_live_row(r, 6, 0, 80) == "web1            waiting");
    REQUIRE(apply_update(r, RowState::Running, "waiting for SSH"));
    CHECK(!apply_update(r, RowState::Running, "waiting for SSH"));
    CHECK(format_live_row(r, 6, 3.25, 80) == "web1      3.2s  working  waiting for SSH");
    // One column is kept spare: 29 characters on a 30-column terminal.
    CHECK(format_live_row(r, 6, 3.25, 30) == "web1      3.2s  working  w...");
    REQUIRE(apply_update(r, RowState::Failed, "broke\nsecond line"));
    CHECK(format_live_row(r, 4, 12, 80) == "web1   12.0s  FAILED   broke");
}

TEST_CASE("live rows: printed output goes above the rows, which are drawn again", "[board]") {
    Capture c;
    {
        auto b = make_live_lines({"a", "b"}, c.fds[1]);
        b->update(0, RowState::Running, "starting");
        b->print("a: provisioning output\n", c.fds[1]);
        b->update(1, RowState::Done, "halted");
        b->close();
        b->update(0, RowState::Done, "after close");  // drawn no more
    }
    std::string out = c.take();
    auto printed = out.find("a: provisioning output\n");
    REQUIRE(printed != std::string::npos);
    // Before it: the rows are erased (cursor up 2, clear down); after it: drawn again.
    CHECK(out.rfind("\x1b[2A\x1b[J", printed) != std::string::npos);
    CHECK(out.find("starting", printed) != std::string::npos);
    CHECK(out.find("halted", printed) != std::string::npos);
    CHECK(out.find("after close") == std::string::npos);
}
