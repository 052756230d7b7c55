// SPDX-License-Identifier: MIT
// A move-only owner of a file descriptor, closed once by its destructor.
#pragma once

#include <cerrno>
#include <utility>

#include "sys/io.hpp"

namespace sys {

class OwnFd {
public:
    OwnFd() = default;
    explicit OwnFd(int fd) : fd_(fd) {}
    OwnFd(OwnFd &&o) noexcept : fd_(o.release()) {}
    OwnFd &operator=(OwnFd &&o) noexcept {
        if (this != &o) reset(o.release());
        return *this;
    }
    OwnFd(const OwnFd &) = delete;
    OwnFd &operator=(const OwnFd &) = delete;
    ~OwnFd() { reset(); }

    int get() const { return fd_; }
    bool valid() const { return fd_ >= 0; }
    int release() { return std::exchange(fd_, -1); }
    // Closes the current fd (never retried: Linux frees it even on EINTR),
    // keeping errno as it was.
    void reset(int fd = -1) {
        if (fd_ >= 0) {
            int saved = errno;
            sys::close(fd_);
            errno = saved;
        }
        fd_ = fd;
    }

private:
    int fd_ = -1;
};

}  // namespace sys
