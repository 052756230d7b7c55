// SPDX-License-Identifier: MIT
#include "sys/net.hpp"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>

#include "sys/fault.hpp"

namespace sys {

int socket(int domain, int type, int protocol) {
    if (fails(Point::socket)) return -1;
    return ::socket(domain, type, protocol);
}

int setsockopt(int fd, int level, int name, const void *value, socklen_t len) {
    if (fails(Point::setsockopt)) return -1;
    return ::setsockopt(fd, level, name, value, len);
}

int getsockopt(int fd, int level, int name, void *value, socklen_t *len) {
    if (fails(Point::getsockopt)) return -1;
    return ::getsockopt(fd, level, name, value, len);
}

int bind(int fd, const sockaddr *addr, socklen_t len) {
    if (fails(Point::bind)) return -1;
    return ::bind(fd, addr, len);
}

int listen(int fd, int backlog) {
    if (fails(Point::listen)) return -1;
    return ::listen(fd, backlog);
}

int accept(int fd, sockaddr *addr, socklen_t *len, int flags) {
    if (fails(Point::accept)) return -1;
    // With libfiu loaded, accept() then fcntl(), not accept4(): libfiu's POSIX
    // preload wraps accept only, and `fiu-run -x` must reach the unmodified
    // server. The server is single-threaded and never execs, so nothing can
    // race the close-on-exec flag. Without libfiu, one call: a syscall fewer per connection.
    if (fiu_fail_fn() == nullptr) return ::accept4(fd, addr, len, flags);
    const int conn = ::accept(fd, addr, len);
    // F_SETFD on the fd just returned cannot fail: its only error is EBADF.
    if (conn >= 0 && (flags & SOCK_CLOEXEC) != 0) (void)::fcntl(conn, F_SETFD, FD_CLOEXEC);
    return conn;
}

int connect(int fd, const sockaddr *addr, socklen_t len) {
    if (fails(Point::connect)) return -1;
    return ::connect(fd, addr, len);
}

int getsockname(int fd, sockaddr *addr, socklen_t *len) {
    if (fails(Point::getsockname)) return -1;
    return ::getsockname(fd, addr, len);
}

int getaddrinfo(const char *node, const char *service, const addrinfo *hints, addrinfo **res) {
    if (fails(Point::getaddrinfo)) return EAI_SYSTEM;
    return ::getaddrinfo(node, service, hints, res);
}

ssize_t recv(int fd, void *buf, std::size_t len, int flags) {
    if (fails(Point::recv)) return -1;
    return ::recv(fd, buf, reduced(Point::recv_reduce, len), flags);
}

ssize_t send(int fd, const void *buf, std::size_t len, int flags) {
    if (fails(Point::send)) return -1;
    return ::send(fd, buf, reduced(Point::send_reduce, len), flags | MSG_NOSIGNAL);
}

int shutdown(int fd, int how) {
    if (fails(Point::shutdown)) return -1;
    return ::shutdown(fd, how);
}

}  // namespace sys
