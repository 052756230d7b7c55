#include "server/child.hpp"

#include <sys/socket.h>

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "net/recv_timeout.hpp"
#include "net/transfer.hpp"
#include "protocol/escape.hpp"
#include "protocol/line_framer.hpp"
#include "server/log.hpp"
#include "sys/net.hpp"

namespace server {
namespace {

constexpr std::size_t line_chunk = 4096;
constexpr auto linger_time = std::chrono::seconds(1);

// After the goodbye: send FIN first and read what the client still sends, so
// that closing with unread data does not reset the connection and lose the
// goodbye on its way. Bounded in time.
void close_gracefully(int fd, std::span<char> buf) {
    if (sys::shutdown(fd, SHUT_WR) < 0) return;
    const auto deadline = net::Deadline::in(linger_time);
    while (net::recv_some(fd, buf.data(), buf.size(), deadline) > 0) {
    }
}

}  // namespace

int serve_client(int fd, const Peer &peer, const ChildConfig &config) {
    const auto idle = std::chrono::seconds(config.idle_timeout_s);
    const bool raw = config.framing == proto::Framing::raw;
    proto::LineFramer framer(config.rules.max_message);
    // Raw framing reads at most the limit per recv(), as the worksheet does;
    // lines are read into the stack, so that a child touches no heap page for
    // short messages (each costs a copy-on-write fault after fork, issue 6).
    char line_buf[line_chunk];
    std::vector<char> raw_buf(raw ? config.rules.max_message : 0);
    const std::span<char> buf = raw ? std::span<char>(raw_buf) : std::span<char>(line_buf);
    // "serverfork: CALL failed: ERRNO (client IP:PORT)"; built only on failure
    // (no heap on the normal path).
    auto failed = [&](std::string_view call) {
        const int e = errno;  // kept across the allocation
        const std::string tail = " (client " + peer.endpoint + ")";
        errno = e;
        log::failed(call, tail);
    };

    // The wait for a message is a blocking recv() bounded by the socket's
    // SO_RCVTIMEO, the idle timeout inherited from the listener: no poll()
    // per message (issue 6). The deadline moves only when a message is
    // complete, so after a recv() that brought part of one (or returned
    // early), the next is bounded by what is left: the one path that calls
    // setsockopt(), and the next complete message restores the full timeout.
    auto idle_deadline = net::Deadline::in(idle);
    bool cut = false;  // SO_RCVTIMEO is less than the idle timeout
    // SO_RCVTIMEO to t; false, logged, if that fails.
    auto set_timeout = [&](std::chrono::microseconds t) {
        if (net::set_recv_timeout(fd, t) == 0) return true;
        failed("setsockopt SO_RCVTIMEO");
        return false;
    };
    // -1 to read on, else the child's exit status.
    auto wait_only_what_is_left = [&]() {
        const auto left = idle_deadline.left();
        if (left.count() == 0) {
            log::error("closing " + peer.endpoint + ": no message for " +
                       std::to_string(config.idle_timeout_s) + " s");
            return 0;
        }
        if (!set_timeout(left)) return 1;
        cut = true;
        return -1;
    };

    // Logs and answers one message: the child's exit status if it must end
    // (1 when the send failed, 0 after the goodbye), else -1.
    auto answer = [&](const proto::Message &m) {
        if (m.too_long)
            log::error("message from " + peer.endpoint + " over " +
                       std::to_string(config.rules.max_message) + " bytes, discarded");
        else if (config.log_messages && proto::is_plain(m.bytes))
            log::line({"Message received: ", m.bytes});  // no copy to escape
        else if (config.log_messages)
            log::line({"Message received: ", proto::escape(m.bytes)});
        const proto::Reply reply = proto::reply_to(m, config.rules, peer.ip);
        std::string_view failed_call;
        if (net::send_all(fd, reply.line, idle, &failed_call) < 0) {
            failed(failed_call);
            return 1;
        }
        if (!reply.close) return -1;
        close_gracefully(fd, buf);
        return 0;
    };

    for (;;) {
        const ssize_t n = sys::recv(fd, buf.data(), buf.size(), 0);
        if (n < 0) {
            if (errno != EINTR && errno != EAGAIN && errno != EWOULDBLOCK) {
                failed("recv");
                return 1;
            }
            // SO_RCVTIMEO ran out (EAGAIN), or a signal came (EINTR).
            if (const int end = wait_only_what_is_left(); end >= 0) return end;
            continue;
        }
        if (n == 0) {
            const auto last = framer.finish();
            return last ? std::max(answer(*last), 0) : 0;
        }
        std::string_view data(buf.data(), static_cast<std::size_t>(n));
        int end = -1;
        bool any = false;
        if (raw) {
            end = answer(proto::raw_message(data));
            any = true;
        } else {
            // One message at a time, in place: no vector of them on the heap.
            while (end < 0) {
                const auto m = framer.next(data);
                if (!m) break;
                any = true;
                end = answer(*m);
            }
        }
        if (end >= 0) return end;
        if (!any) {
            end = wait_only_what_is_left();  // part of a message: the deadline stays
            if (end >= 0) return end;
            continue;
        }
        idle_deadline = net::Deadline::in(idle);
        if (cut) {
            if (!set_timeout(idle)) return 1;
            cut = false;
        }
    }
}

}  // namespace server
