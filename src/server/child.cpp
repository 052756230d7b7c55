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
    // per message (issue 6). The idle deadline moves only when a message is
    // complete; after a recv() that brought part of one, or none, the next
    // waits only what is left. Held log lines (log::hold_lines) bound the
    // wait too: each is written within log_flush_ms, as the child looks at
    // the oldest one's age after every recv() and a recv() waits at most half
    // of that meanwhile. setsockopt() is called only when the bound changes,
    // which a steady conversation never does.
    const auto hold = std::chrono::microseconds(std::chrono::milliseconds(config.log_flush_ms)) / 2;
    // Held from the second batch of messages on: a connection of one message
    // (the conn benchmark, a quick nc) writes its line at once, without the
    // setsockopt() that bounds a held line's wait.
    const bool may_hold = config.log_messages && hold.count() > 0;
    auto idle_deadline = net::Deadline::in(idle);
    auto flush_deadline = net::Deadline::never();  // for the oldest held line
    bool timing = false;                           // flush_deadline is set
    std::chrono::microseconds rcvtimeo = idle;     // SO_RCVTIMEO now
    // Waits of the next recv() at most `want`; 1, logged, if that fails, else -1.
    auto wait_at_most = [&](std::chrono::microseconds want) {
        if (log::lines_held()) want = std::min(want, hold);
        if (want == rcvtimeo) return -1;
        if (net::set_recv_timeout(fd, want) < 0) {
            failed("setsockopt SO_RCVTIMEO");
            return 1;
        }
        rcvtimeo = want;
        return -1;
    };
    // After a recv() that completed no message: the child's exit status if
    // the idle time is over, else -1 to read on.
    auto wait_only_what_is_left = [&]() {
        const auto left = idle_deadline.left();
        if (left.count() == 0) {
            log::error("closing " + peer.endpoint + ": no message for " +
                       std::to_string(config.idle_timeout_s) + " s");
            return 0;
        }
        return wait_at_most(left);
    };
    // Held lines past their time are written.
    auto flush_if_due = [&](net::Deadline::clock::time_point now) {
        if (!log::lines_held()) {
            timing = false;
        } else if (!timing) {
            flush_deadline =
                net::Deadline::in(std::chrono::ceil<std::chrono::milliseconds>(hold), now);
            timing = true;
        } else if (flush_deadline.expired(now)) {
            log::flush_held();
            timing = false;
        }
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
        // Held lines go out before the child waits for a client to read.
        if (net::send_all(fd, reply.line, idle, &failed_call, log::flush_held) < 0) {
            failed(failed_call);
            return 1;
        }
        if (!reply.close) return -1;
        log::flush_held();  // the conversation is over
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
            // SO_RCVTIMEO ran out (EAGAIN), or a signal came (EINTR): the
            // client is quiet, a time to write what is held.
            log::flush_held();
            timing = false;
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
        const auto now = net::Deadline::clock::now();  // one clock read a turn
        flush_if_due(now);
        if (any && may_hold) log::hold_lines(true);
        if (!any) {
            end = wait_only_what_is_left();  // part of a message: the deadline stays
        } else {
            idle_deadline = net::Deadline::in(idle, now);
            end = wait_at_most(idle);
        }
        if (end >= 0) return end;
    }
}

}  // namespace server
