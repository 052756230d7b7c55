// SPDX-License-Identifier: MIT
#include "client/connect.hpp"

#include <netdb.h>
#include <poll.h>
#include <sys/socket.h>

#include <cerrno>
#include <memory>

#include "sys/errno_text.hpp"
#include "sys/io.hpp"
#include "sys/net.hpp"

namespace client {
namespace {

// 0 when connected, else -1 with errno.
int connect_one(const addrinfo &ai, const net::Deadline &deadline, sys::OwnFd &out) {
    sys::OwnFd fd(sys::socket(ai.ai_family, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0));
    if (!fd.valid()) return -1;
    if (sys::connect(fd.get(), ai.ai_addr, ai.ai_addrlen) < 0) {
        if (errno != EINPROGRESS && errno != EINTR) return -1;
        for (;;) {
            pollfd p{fd.get(), POLLOUT, 0};
            const int n = sys::poll(&p, 1, deadline.poll_timeout());
            if (n > 0) break;
            if (n == 0) {
                errno = ETIMEDOUT;
                return -1;
            }
            if (errno != EINTR) return -1;
        }
        int err = 0;
        socklen_t len = sizeof err;
        if (sys::getsockopt(fd.get(), SOL_SOCKET, SO_ERROR, &err, &len) < 0) return -1;
        if (err != 0) {
            errno = err;
            return -1;
        }
    }
    out = std::move(fd);
    return 0;
}

}  // namespace

std::variant<sys::OwnFd, std::string> connect_to(const std::string &host, int port,
                                                 const net::Deadline &deadline) {
    const std::string where = "cannot connect to " + host + ":" + std::to_string(port) + ": ";
    addrinfo hints{};
    hints.ai_family = AF_UNSPEC;
    hints.ai_socktype = SOCK_STREAM;
    hints.ai_flags = AI_NUMERICSERV | AI_ADDRCONFIG;
    addrinfo *res = nullptr;
    if (int rc = sys::getaddrinfo(host.c_str(), std::to_string(port).c_str(), &hints, &res);
        rc != 0)
        return where + (rc == EAI_SYSTEM ? sys::errno_text(errno) : gai_strerror(rc));
    std::unique_ptr<addrinfo, decltype(&freeaddrinfo)> owner(res, freeaddrinfo);

    int last_errno = ECONNREFUSED;
    for (const addrinfo *ai = res; ai != nullptr; ai = ai->ai_next) {
        sys::OwnFd fd;
        if (connect_one(*ai, deadline, fd) == 0) return fd;
        last_errno = errno;
        if (deadline.expired()) break;
    }
    return where + sys::errno_text(last_errno);
}

}  // namespace client
