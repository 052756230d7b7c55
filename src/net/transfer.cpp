// SPDX-License-Identifier: MIT
#include "net/transfer.hpp"

#include <poll.h>

#include <cerrno>
#include <optional>

#include "sys/io.hpp"
#include "sys/net.hpp"

namespace net {
namespace {

// 1 when ready, -1 with errno (ETIMEDOUT at the deadline).
int wait_for(int fd, short events, const Deadline &deadline) {
    for (;;) {
        pollfd p{fd, events, 0};
        const int n = sys::poll(&p, 1, deadline.poll_timeout());
        if (n > 0) return 1;
        if (n == 0) {
            errno = ETIMEDOUT;
            return -1;
        }
        if (errno != EINTR) return -1;
    }
}

// The loop of both send_all: deadline() is asked for only when a send would block.
template <class GetDeadline>
int send_loop(int fd, std::string_view data, GetDeadline deadline, std::string_view *failed_call) {
    auto fail = [&](std::string_view call) {
        if (failed_call != nullptr) *failed_call = call;
        return -1;
    };
    while (!data.empty()) {
        // MSG_DONTWAIT: a blocking socket (a child's) is never stuck past the deadline.
        const ssize_t n = sys::send(fd, data.data(), data.size(), MSG_DONTWAIT);
        if (n >= 0) {
            data.remove_prefix(static_cast<std::size_t>(n));
        } else if (errno == EAGAIN || errno == EWOULDBLOCK) {
            if (wait_for(fd, POLLOUT, deadline()) < 0)
                return fail(errno == ETIMEDOUT ? "send" : "poll");
        } else if (errno != EINTR) {
            return fail("send");
        }
    }
    return 0;
}

}  // namespace

int send_all(int fd, std::string_view data, const Deadline &deadline,
             std::string_view *failed_call) {
    return send_loop(
        fd, data, [&]() -> const Deadline & { return deadline; }, failed_call);
}

int send_all(int fd, std::string_view data, std::chrono::milliseconds timeout,
             std::string_view *failed_call, void (*before_wait)(void *), void *arg) {
    std::optional<Deadline> deadline;
    return send_loop(
        fd, data,
        [&]() -> const Deadline & {
            if (deadline) return *deadline;
            if (before_wait != nullptr) before_wait(arg);
            deadline = Deadline::in(timeout);
            return *deadline;
        },
        failed_call);
}

ssize_t recv_some(int fd, char *buf, std::size_t len, const Deadline &deadline) {
    for (;;) {
        if (wait_for(fd, POLLIN, deadline) < 0) return -1;
        const ssize_t n = sys::recv(fd, buf, len, 0);
        if (n >= 0) return n;
        if (errno != EINTR && errno != EAGAIN && errno != EWOULDBLOCK) return -1;
    }
}

}  // namespace net
