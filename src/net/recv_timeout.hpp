// SO_RCVTIMEO: a blocking recv() that waits longer than this fails with
// EAGAIN. On Linux an accepted socket inherits it from the listener.
#pragma once

#include <chrono>

namespace net {

// t > 0 (zero would mean "wait forever"); -1 with errno on failure.
int set_recv_timeout(int fd, std::chrono::microseconds t);

}  // namespace net
