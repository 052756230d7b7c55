// SPDX-License-Identifier: MIT
// File-descriptor syscalls, each behind its failure point.
#pragma once

#include <poll.h>
#include <signal.h>
#include <sys/types.h>

#include <cstddef>

namespace sys {

int close(int fd);
// ppoll: timeout_ms < 0 waits forever; mask may be nullptr.
int poll(pollfd *fds, nfds_t n, int timeout_ms, const sigset_t *mask = nullptr);
ssize_t read(int fd, void *buf, std::size_t len);
// pipe2: flags as O_CLOEXEC | O_NONBLOCK.
int pipe(int fds[2], int flags);

}  // namespace sys
