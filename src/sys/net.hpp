// SPDX-License-Identifier: MIT
// Socket syscalls, each behind its failure point. Return and errno exactly as
// the call itself; never print.
#pragma once

#include <netdb.h>
#include <sys/socket.h>
#include <sys/types.h>

#include <cstddef>

namespace sys {

int socket(int domain, int type, int protocol);
int setsockopt(int fd, int level, int name, const void *value, socklen_t len);
int getsockopt(int fd, int level, int name, void *value, socklen_t *len);
int bind(int fd, const sockaddr *addr, socklen_t len);
int listen(int fd, int backlog);
// accept4 with flags 0 or SOCK_CLOEXEC; accept() and fcntl() when libfiu is loaded.
int accept(int fd, sockaddr *addr, socklen_t *len, int flags);
int connect(int fd, const sockaddr *addr, socklen_t len);
int getsockname(int fd, sockaddr *addr, socklen_t *len);
// When its point fires: EAI_SYSTEM, with errno set.
int getaddrinfo(const char *node, const char *service, const addrinfo *hints, addrinfo **res);
// Failure point sys/net/recv; sys/net/recv/reduce makes it short.
ssize_t recv(int fd, void *buf, std::size_t len, int flags);
// Always adds MSG_NOSIGNAL: a peer gone away is EPIPE, never SIGPIPE.
ssize_t send(int fd, const void *buf, std::size_t len, int flags);
int shutdown(int fd, int how);

}  // namespace sys
