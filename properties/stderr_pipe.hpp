// SPDX-License-Identifier: MIT
// Points stderr at a non-blocking pipe for a test's duration, to read back
// what the server's log functions wrote.
#pragma once

#include <fcntl.h>
#include <unistd.h>

#include <string>

#include "sys/fd.hpp"

struct StderrPipe {
    sys::OwnFd read_end;
    sys::OwnFd write_end;
    sys::OwnFd saved{::dup(STDERR_FILENO)};
    // size: the pipe's capacity in bytes.
    explicit StderrPipe(int size = 4096) {
        int fds[2];
        if (::pipe2(fds, O_CLOEXEC | O_NONBLOCK) != 0) return;
        read_end.reset(fds[0]);
        write_end.reset(fds[1]);
        ::fcntl(write_end.get(), F_SETPIPE_SZ, size);
        ::dup2(write_end.get(), STDERR_FILENO);
    }
    ~StderrPipe() { ::dup2(saved.get(), STDERR_FILENO); }
    StderrPipe(const StderrPipe &) = delete;
    StderrPipe &operator=(const StderrPipe &) = delete;
    std::string drain() const {
        std::string s;
        char buf[4096];
        for (ssize_t n; (n = ::read(read_end.get(), buf, sizeof buf)) > 0;)
            s.append(buf, static_cast<std::size_t>(n));
        return s;
    }
};
