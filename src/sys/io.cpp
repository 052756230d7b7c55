// SPDX-License-Identifier: MIT
#include "sys/io.hpp"

#include <unistd.h>

#include "sys/fault.hpp"

namespace sys {

int close(int fd) {
    if (fails(Point::close)) {
        ::close(fd);  // a failed close still releases the fd on Linux
        return -1;
    }
    return ::close(fd);
}

int poll(pollfd *fds, nfds_t n, int timeout_ms, const sigset_t *mask) {
    if (fails(Point::poll)) return -1;
    timespec ts{timeout_ms / 1000, (timeout_ms % 1000) * 1000000L};
    return ::ppoll(fds, n, timeout_ms < 0 ? nullptr : &ts, mask);
}

ssize_t read(int fd, void *buf, std::size_t len) {
    if (fails(Point::read)) return -1;
    return ::read(fd, buf, len);
}

int pipe(int fds[2], int flags) {
    if (fails(Point::pipe)) return -1;
    return ::pipe2(fds, flags);
}

}  // namespace sys
