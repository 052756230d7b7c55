// SPDX-License-Identifier: MIT
// The loops around recv and send: EINTR retried, short sends completed,
// every wait bounded by a deadline. Return -1 with errno on failure
// (ETIMEDOUT when the deadline passes).
#pragma once

#include <sys/types.h>

#include <chrono>
#include <cstddef>
#include <string_view>

#include "net/deadline.hpp"

namespace net {

// Sends all of data on a socket (blocking or not: each send is MSG_DONTWAIT).
// On failure, *failed_call (if given) names the call that failed: "send", or
// "poll" for the wait when a send would block (a deadline passed is "send").
int send_all(int fd, std::string_view data, const Deadline &deadline,
             std::string_view *failed_call = nullptr);
// The same within timeout, counted from the first wait: a send that does not
// block reads no clock (the server's per-message path stays cheap). before_wait,
// if given, is called once with arg, before that first wait.
int send_all(int fd, std::string_view data, std::chrono::milliseconds timeout,
             std::string_view *failed_call = nullptr, void (*before_wait)(void *) = nullptr,
             void *arg = nullptr);

// Waits until fd is readable, then one recv(): >0 bytes, 0 at end of stream.
ssize_t recv_some(int fd, char *buf, std::size_t len, const Deadline &deadline);

}  // namespace net
