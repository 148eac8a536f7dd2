#pragma once
// A Remote for unit tests of provisioners (and anything else that runs commands on a
// machine): records every exec and upload, and answers from a script of results, so no SSH
// server is needed. Include as "tests/unit/ssh/fake_remote.h".
#include <deque>
#include <string>
#include <vector>

#include "ssh/remote.h"

namespace env::ssh::test {

class FakeRemote : public Remote {
public:
    struct Reply {
        int status = 0;
        std::string out, err;
    };
    struct Upload {
        std::string local, remote;
    };

    explicit FakeRemote(std::string machine = "fake") : machine_(std::move(machine)) {}

    // Queues the answer to the next exec(); unqueued execs succeed with no output.
    void reply(Reply r) { replies_.push_back(std::move(r)); }
    // Makes the next exec() or upload() fail as if the connection dropped.
    void fail_next() { fail_next_ = true; }

    Result<int> exec(const std::string& command, const ExecIo& io) override {
        commands.push_back(command);
        stdin_seen.emplace_back(io.stdin_data);
        if (std::exchange(fail_next_, false))
            return fail(ErrorKind::Network, "machine '" + machine_ + "': connection lost");
        Reply r;
        if (!replies_.empty()) {
            r = std::move(replies_.front());
            replies_.pop_front();
        }
        if (io.on_stdout && !r.out.empty()) io.on_stdout(r.out);
        if (io.on_stderr && !r.err.empty()) io.on_stderr(r.err);
        return r.status;
    }

    Result<> upload(const std::string& local, const std::string& remote) override {
        uploads.push_back({local, remote});
        if (std::exchange(fail_next_, false))
            return fail(ErrorKind::Network, "machine '" + machine_ + "': connection lost");
        return {};
    }

    std::string machine() const override { return machine_; }

    std::vector<std::string> commands;
    std::vector<std::string> stdin_seen;
    std::vector<Upload> uploads;

private:
    std::string machine_;
    std::deque<Reply> replies_;
    bool fail_next_ = false;
};

}  // namespace env::ssh::test
