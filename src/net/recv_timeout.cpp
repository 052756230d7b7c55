#include "net/recv_timeout.hpp"

#include <sys/socket.h>
#include <sys/time.h>

#include "sys/net.hpp"

namespace net {

int set_recv_timeout(int fd, std::chrono::microseconds t) {
    const auto s = std::chrono::duration_cast<std::chrono::seconds>(t);
    const timeval tv{static_cast<time_t>(s.count()), static_cast<suseconds_t>((t - s).count())};
    return sys::setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
}

}  // namespace net
