// `env` must stay the coreutils env for every invocation that is not one of our commands:
// same stdout, same stderr, same exit status, byte for byte.
#include <catch2/catch.hpp>

#include <fcntl.h>
#include <sys/wait.h>
#include <unistd.h>

#include "test_support.h"

using namespace env;

namespace {

// Runs path with exactly argv and envp (no shell, so nothing like $_ differs) and captures
// stdout, stderr and the exit status.
test::RunResult exec_capture(const std::string& path, std::vector<std::string> args,
                             std::vector<std::string> envs) {
    test::TempDir t;
    pid_t pid = ::fork();
    if (pid == 0) {
        int out = ::open((t / "out").c_str(), O_WRONLY | O_CREAT, 0644);
        int err = ::open((t / "err").c_str(), O_WRONLY | O_CREAT, 0644);
        ::dup2(out, 1);
        ::dup2(err, 2);
        std::vector<char*> argv, envp;
        for (auto& a : args) argv.push_back(a.data());
        argv.push_back(nullptr);
        for (auto& e : envs) envp.push_back(e.data());
        envp.push_back(nullptr);
        ::execve(path.c_str(), argv.data(), envp.data());
        ::_exit(99);
    }
    int raw = 0;
    ::waitpid(pid, &raw, 0);
    test::RunResult r;
    r.status = WIFEXITED(raw) ? WEXITSTATUS(raw) : 128 + WTERMSIG(raw);
    r.out = sys::read_file(t / "out").value_or("");
    r.err = sys::read_file(t / "err").value_or("");
    return r;
}

void same_as_coreutils(std::vector<std::string> args) {
    std::vector<std::string> envs = {"PATH=/usr/bin:/bin", "HOME=/root", "LANG=C", "X=1"};
    auto ours = exec_capture(test::env_binary(), args, envs);
    auto theirs = exec_capture("/usr/bin/env", args, envs);
    INFO("args: " << Catch::StringMaker<std::vector<std::string>>::convert(args));
    CHECK(ours.out == theirs.out);
    CHECK(ours.err == theirs.err);
    CHECK(ours.status == theirs.status);
}

}  // namespace

TEST_CASE("env NAME=VALUE cmd runs the command like coreutils env", "[cli]") {
    same_as_coreutils({"env", "FOO=bar", "sh", "-c", "echo $FOO"});
    auto r = exec_capture(test::env_binary(), {"env", "FOO=bar", "sh", "-c", "echo $FOO"},
                          {"PATH=/usr/bin:/bin"});
    CHECK(r.out == "bar\n");
}

TEST_CASE("bare env, env -i and env -u print what coreutils prints", "[cli]") {
    same_as_coreutils({"env"});
    same_as_coreutils({"env", "-i"});
    same_as_coreutils({"env", "-i", "A=1", "B=2"});
    same_as_coreutils({"env", "-u", "HOME"});
    same_as_coreutils({"env", "-0"});
    same_as_coreutils({"env", "--", "sh", "-c", "exit 7"});
}

TEST_CASE("coreutils errors and flags pass through unchanged", "[cli]") {
    same_as_coreutils({"env", "no-such-program-for-env-test"});  // 127 and its message
    same_as_coreutils({"env", "--help"});
    same_as_coreutils({"env", "--version"});
    same_as_coreutils({"env", "--no-such-flag"});
    same_as_coreutils({"env", "/etc"});  // 126: not executable
}
