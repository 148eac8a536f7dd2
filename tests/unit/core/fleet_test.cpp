// core/fleet.h: jobs over several machines at once, bounded, in order, failures kept apart.
#include "core/fleet.h"

#include <catch2/catch.hpp>

#include <atomic>
#include <chrono>
#include <map>
#include <mutex>
#include <thread>

using namespace env;
using namespace std::chrono_literals;

namespace {

// Records what the runner tells the board.
struct RecordingBoard : StatusBoard {
    std::mutex mu;
    std::map<size_t, std::vector<std::pair<RowState, std::string>>> rows;
    void update(size_t row, RowState s, std::string_view text) override {
        std::lock_guard l(mu);
        rows[row].emplace_back(s, std::string(text));
    }
    void print(std::string_view, int) override {}
    void close() override {}
    RowState last(size_t row) {
        std::lock_guard l(mu);
        return rows[row].back().first;
    }
};

// Counts jobs running at once and remembers the order they started in.
struct Meter {
    std::mutex mu;
    int now = 0, max = 0;
    std::vector<size_t> started;
    void enter(size_t i) {
        std::lock_guard l(mu);
        started.push_back(i);
        max = std::max(max, ++now);
    }
    void leave() {
        std::lock_guard l(mu);
        --now;
    }
};

std::vector<core::FleetJob> sleeping_jobs(Meter& meter, size_t n, std::chrono::milliseconds d) {
    std::vector<core::FleetJob> jobs;
    for (size_t i = 0; i < n; ++i)
        jobs.push_back([&meter, i, d](const core::StepFn& step) -> Result<std::string> {
            meter.enter(i);
            step("sleeping");
            std::this_thread::sleep_for(d);
            meter.leave();
            return "job " + std::to_string(i);
        });
    return jobs;
}

}  // namespace

TEST_CASE("fleet: no more jobs run at once than the bound", "[fleet]") {
    for (unsigned bound : {2u, 3u, 5u}) {
        Meter meter;
        RecordingBoard board;
        auto results = core::run_fleet(sleeping_jobs(meter, 10, 30ms), bound, board);
        CHECK(results.size() == 10);
        CHECK(meter.max <= static_cast<int>(bound));
        CHECK(meter.max >= 2);  // and they did overlap
    }
}

TEST_CASE("fleet: results stay in job order whatever order jobs finish in", "[fleet]") {
    std::vector<core::FleetJob> jobs;
    for (int i = 0; i < 6; ++i)
        jobs.push_back([i](const core::StepFn&) -> Result<std::string> {
            std::this_thread::sleep_for(std::chrono::milliseconds(10 * (6 - i)));  // last first
            return std::to_string(i);
        });
    RecordingBoard board;
    auto results = core::run_fleet(jobs, 6, board);
    REQUIRE(results.size() == 6);
    for (int i = 0; i < 6; ++i) {
        REQUIRE(results[i]);
        CHECK(*results[i] == std::to_string(i));
        CHECK(board.last(i) == RowState::Done);
    }
}

TEST_CASE("fleet: a failing job neither stops nor hides the others", "[fleet]") {
    std::atomic<int> ran{0};
    std::vector<core::FleetJob> jobs;
    for (int i = 0; i < 5; ++i)
        jobs.push_back([i, &ran](const core::StepFn&) -> Result<std::string> {
            ++ran;
            if (i == 1) return fail(ErrorKind::Network, "machine 1 broke");
            if (i == 3) throw std::runtime_error("machine 3 threw");
            return std::string("fine");
        });
    for (unsigned bound : {1u, 4u}) {
        ran = 0;
        RecordingBoard board;
        auto results = core::run_fleet(jobs, bound, board);
        CHECK(ran == 5);
        REQUIRE(!results[1]);
        CHECK(results[1].error().kind() == ErrorKind::Network);
        CHECK(results[1].error().message() == "machine 1 broke");
        REQUIRE(!results[3]);
        CHECK(results[3].error().message().find("machine 3 threw") != std::string::npos);
        for (int i : {0, 2, 4}) CHECK(results[i]);
        CHECK(board.last(1) == RowState::Failed);
        CHECK(board.rows[1].back().second == "machine 1 broke");
        CHECK(board.last(4) == RowState::Done);
    }
}

TEST_CASE("fleet: parallel 1 runs one job after the other, in order, in this thread", "[fleet]") {
    Meter meter;
    RecordingBoard board;
    auto me = std::this_thread::get_id();
    std::vector<core::FleetJob> jobs = sleeping_jobs(meter, 4, 5ms);
    bool same_thread = true;
    for (auto& j : jobs)
        j = [j, me, &same_thread](const core::StepFn& s) {
            same_thread &= std::this_thread::get_id() == me;
            return j(s);
        };
    core::run_fleet(jobs, 1, board);
    CHECK(meter.max == 1);
    CHECK(meter.started == std::vector<size_t>{0, 1, 2, 3});
    CHECK(same_thread);
    // Each row went running (with the step) then done.
    CHECK(board.rows[2].front().first == RowState::Running);
    CHECK(board.rows[2][1] == std::make_pair(RowState::Running, std::string("sleeping")));
    CHECK(board.rows[2].back() == std::make_pair(RowState::Done, std::string("job 2")));
}

TEST_CASE("fleet: jobs start in the order given (last first for halt and destroy)", "[fleet]") {
    // With 2 workers, job 2 is taken only once a worker is free: jobs 0 and 1 both started.
    Meter meter;
    RecordingBoard board;
    core::run_fleet(sleeping_jobs(meter, 4, 20ms), 2, board);
    REQUIRE(meter.started.size() == 4);
    auto pos = [&](size_t i) {
        return std::find(meter.started.begin(), meter.started.end(), i) - meter.started.begin();
    };
    CHECK(pos(0) < pos(2));
    CHECK(pos(1) < pos(2));
    CHECK(pos(0) < 2);
    CHECK(pos(1) < 2);
}

TEST_CASE("fleet: the default bound is at least 8 and 4 times the cores", "[fleet]") {
    unsigned cores = std::max(1u, std::thread::hardware_concurrency());
    CHECK(core::default_parallelism() == std::max(8u, 4 * cores));
}
