#include "server/child.hpp"

#include <limits.h>
#include <sys/socket.h>

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "net/transfer.hpp"
#include "protocol/escape.hpp"
#include "protocol/line_framer.hpp"
#include "server/alarm.hpp"
#include "server/log.hpp"
#include "sys/net.hpp"

namespace server {
namespace {

constexpr std::size_t line_chunk = 4096;
constexpr auto linger_time = std::chrono::seconds(1);

// A "Message received" line, newline included, is one write that a pipe
// keeps whole (PIPE_BUF): a longer one could be split and interleaved with
// another child's, and a client could forge log lines with it.
constexpr std::string_view received = "Message received: ";
constexpr std::size_t max_shown = PIPE_BUF - received.size() - 1;

// A message that must be escaped or is too long to show: escaped, and cut
// to fit with a marker of its full length. The marker's "…" is UTF-8, which
// an escaped message never holds, so a client cannot fake it.
[[gnu::cold]] void log_escaped(std::string_view bytes) {
    std::size_t taken = 0;
    std::string shown = proto::escape_prefix(bytes, max_shown, &taken);
    if (taken < bytes.size()) {
        const std::string marker = "… (" + std::to_string(bytes.size()) + " bytes)";
        shown = proto::escape_prefix(bytes, max_shown - marker.size()) + marker;
    }
    log::line({received, shown});
}

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
    // short messages (each costs a copy-on-write fault after fork).
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

    // The wait for a message is a blocking recv(), with no poll() and no
    // timeout on the socket: the Alarm interrupts it when the idle
    // time is over. The idle deadline moves only when a message is complete,
    // so a client that dribbles part of a message is closed too. Held log
    // lines (log::hold_lines) bound the wait as well: each is written within
    // log_flush_ms, as the child looks at the oldest one's age after every
    // recv() and the alarm rings at half of that meanwhile. The alarm is set
    // only when it must ring earlier, or after it rang: once per connection,
    // and about twice per held block (--log-flush) in a steady conversation.
    const auto hold = std::chrono::microseconds(std::chrono::milliseconds(config.log_flush_ms)) / 2;
    // Held from the second batch of messages on: a connection of one message
    // (the conn benchmark, a quick nc) writes its line at once.
    const bool may_hold = config.log_messages && hold.count() > 0;
    bool hold_from_now = false;  // a batch was answered, lines may be held
    // A lost ring (just before recv() blocks) is made up for this late at most.
    constexpr std::chrono::microseconds again_at_most = std::chrono::milliseconds(50);
    Alarm alarm(may_hold ? std::min(hold, again_at_most) : again_at_most);
    auto now = net::Deadline::clock::now();
    auto idle_deadline = net::Deadline::in(idle, now);
    auto flush_deadline = net::Deadline::never();  // for the oldest held line
    bool timing = false;                           // flush_deadline is set
    // At `now`: the alarm rings by the idle deadline and by the held lines'
    // flush deadline. The child's exit status if setting it fails (1, logged),
    // else -1.
    auto ring_in_time = [&]() {
        auto at = idle_deadline.at();
        if (timing) at = std::min(at, flush_deadline.at());
        if (alarm.no_later_than(at, now) == 0) return -1;
        failed("setitimer");
        return 1;
    };
    // At `now`: held lines past their time are written.
    auto flush_if_due = [&]() {
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
    if (const int end = ring_in_time(); end >= 0) return end;

    // Logs and answers one message: the child's exit status if it must end
    // (1 when the send failed, 0 after the goodbye), else -1.
    auto answer = [&](const proto::Message &m) {
        if (m.too_long)
            log::error("message from " + peer.endpoint + " over " +
                       std::to_string(config.rules.max_message) + " bytes, discarded");
        else if (config.log_messages && m.bytes.size() <= max_shown && proto::is_plain(m.bytes))
            log::line({received, m.bytes});  // no copy to escape
        else if (config.log_messages)
            log_escaped(m.bytes);
        const proto::Reply reply = proto::reply_to(m, config.rules, peer.ip);
        std::string_view failed_call;
        // Held lines go out before the child waits for a client to read.
        if (net::send_all(fd, reply.line(), idle, &failed_call, log::flush_held) < 0) {
            failed(failed_call);
            return 1;
        }
        if (!reply.close()) return -1;
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
            // The alarm rang (EINTR), or a spurious wake-up: the client is
            // quiet, a time to write what is held.
            log::flush_held();
            timing = false;
            now = net::Deadline::clock::now();
            if (idle_deadline.expired(now)) {
                log::error("closing " + peer.endpoint + ": no message for " +
                           std::to_string(config.idle_timeout_s) + " s");
                return 0;
            }
            if (const int end = ring_in_time(); end >= 0) return end;
            continue;
        }
        if (n == 0) {
            const auto last = framer.finish();
            return last ? std::max(answer(*last), 0) : 0;
        }
        std::string_view data(buf.data(), static_cast<std::size_t>(n));
        // Set here, not after the first batch: a one-message connection
        // writes no static data (a copy-on-write fault in the child).
        if (hold_from_now) log::hold_lines(true);
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
        now = net::Deadline::clock::now();  // one clock read a turn
        flush_if_due();
        // After part of a message only, the deadline stays.
        if (any) {
            idle_deadline = net::Deadline::in(idle, now);
            hold_from_now = may_hold;
        }
        if (end = ring_in_time(); end >= 0) return end;
    }
}

}  // namespace server
