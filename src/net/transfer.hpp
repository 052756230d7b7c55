// The loops around recv and send: EINTR retried, short sends completed,
// every wait bounded by a deadline. Return -1 with errno on failure
// (ETIMEDOUT when the deadline passes).
#pragma once

#include <sys/types.h>

#include <cstddef>
#include <string_view>

#include "net/deadline.hpp"

namespace net {

// Sends all of data on a socket (blocking or not: each send is MSG_DONTWAIT).
int send_all(int fd, std::string_view data, const Deadline &deadline);

// Waits until fd is readable, then one recv(): >0 bytes, 0 at end of stream.
ssize_t recv_some(int fd, char *buf, std::size_t len, const Deadline &deadline);

}  // namespace net
