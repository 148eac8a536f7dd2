#pragma once
// One error type for the whole project (DESIGN.md, "Errors and code style").
// An Error carries a kind (which decides the CLI's exit code), the errno that caused it
// (0 when none) and a human-readable message that already names what failed.
#include <expected>
#include <string>
#include <utility>

namespace env {

enum class ErrorKind {
    Usage,      // bad command line
    Invalid,    // invalid Envfile, metadata, catalog or other user input
    NotFound,   // no Envfile, unknown machine, unknown box
    Busy,       // a lock is held by another command
    Io,         // a system call failed
    Network,    // download, SSH, socket
    Provider,   // a provider could not do what was asked
    Interrupted,
    Internal,
};

// Exit codes the CLI returns; documented in README.md ("Exit codes").
namespace exit_code {
inline constexpr int ok = 0;
inline constexpr int invalid = 1;
inline constexpr int usage = 2;
inline constexpr int runtime = 3;
inline constexpr int busy = 4;
inline constexpr int not_found = 5;
inline constexpr int interrupted = 130;
}  // namespace exit_code

class Error {
public:
    Error(ErrorKind kind, std::string message, int err = 0)
        : kind_(kind), err_(err), message_(std::move(message)) {}

    ErrorKind kind() const { return kind_; }
    int err() const { return err_; }  // errno, 0 when not from a system call
    const std::string& message() const { return message_; }

    // The message with ": strerror(errno)" appended when an errno is known.
    std::string what() const;
    int exit_code() const;

    // Prefixes context, e.g. "adding box debian-12: " + message.
    Error& context(const std::string& prefix) {
        message_ = prefix + ": " + message_;
        return *this;
    }

private:
    ErrorKind kind_;
    int err_;
    std::string message_;
};

template <typename T = void>
using Result = std::expected<T, Error>;

inline std::unexpected<Error> fail(ErrorKind kind, std::string message, int err = 0) {
    return std::unexpected(Error(kind, std::move(message), err));
}

// Builds an Io error from the current errno: fail_errno("open " + path).
std::unexpected<Error> fail_errno(std::string operation);

}  // namespace env

// TRY(expr): evaluates a Result; on error returns it from the enclosing function,
// otherwise yields the value. Uses a GNU statement expression (g++ and clang).
#define TRY(...)                                                          \
    ({                                                                    \
        auto&& try_result_ = (__VA_ARGS__);                               \
        if (!try_result_) return std::unexpected(std::move(try_result_).error()); \
        *std::move(try_result_);                                          \
    })
