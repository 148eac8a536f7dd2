#include "util/error.h"

#include <cerrno>
#include <cstring>

namespace env {

std::string Error::what() const {
    if (err_ == 0) return message_;
    return message_ + ": " + std::strerror(err_);
}

int Error::exit_code() const {
    switch (kind_) {
        case ErrorKind::Usage: return exit_code::usage;
        case ErrorKind::Invalid: return exit_code::invalid;
        case ErrorKind::NotFound: return exit_code::not_found;
        case ErrorKind::Busy: return exit_code::busy;
        case ErrorKind::Interrupted: return exit_code::interrupted;
        default: return exit_code::runtime;
    }
}

std::unexpected<Error> fail_errno(std::string operation) {
    int e = errno;
    return std::unexpected(Error(ErrorKind::Io, std::move(operation), e));
}

}  // namespace env
