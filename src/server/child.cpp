// SPDX-License-Identifier: MIT
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
#include "server/child_log.hpp"
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
[[gnu::cold]] void log_escaped(ChildLog &log, std::string_view bytes) {
    std::size_t taken = 0;
    std::string shown = proto::escape_prefix(bytes, max_shown, &taken);
    if (taken < bytes.size()) {
        const std::string marker = "… (" + std::to_string(bytes.size()) + " bytes)";
        shown = proto::escape_prefix(bytes, max_shown - marker.size()) + marker;
    }
    log.message({received, shown});
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

// The alarm rang (EINTR) or a spurious wake-up: no data, no error.
bool interrupted(int e) { return e == EINTR || e == EAGAIN || e == EWOULDBLOCK; }

// What the loop goes on with after answering: keep serving, or end the child
// with an exit status.
constexpr int serving = -1;

}  // namespace

int serve_client(int fd, const Peer &peer, const ChildConfig &config) {
    const auto idle = std::chrono::seconds(config.idle_timeout_s);
    // Raw framing reads at most the limit per recv(), as the worksheet does;
    // lines are read into the stack, so that a child touches no heap page for
    // short messages (each costs a copy-on-write fault after fork).
    const bool raw = config.framing == proto::Framing::raw;
    char line_buf[line_chunk];
    std::vector<char> raw_buf(raw ? config.rules.max_message : 0);
    const std::span<char> buf = raw ? std::span<char>(raw_buf) : std::span<char>(line_buf);
    proto::LineFramer framer(config.rules.max_message);

    // A held line is due half of --log-flush after its batch: the alarm may
    // ring that much late, when a ring comes just before recv() blocks.
    const auto hold =
        config.log_messages
            ? std::chrono::microseconds(std::chrono::milliseconds(config.log_flush_ms)) / 2
            : std::chrono::microseconds(0);
    ChildLog log(peer.endpoint, hold);

    // Logs and answers one message: the child's exit status if it must end
    // (1 when the send failed, 0 after the goodbye), else `serving`.
    auto answer = [&](const proto::Message &m) {
        if (m.too_long)
            log.error("message from " + peer.endpoint + " over " +
                      std::to_string(config.rules.max_message) + " bytes, discarded");
        else if (config.log_messages && m.bytes.size() <= max_shown && proto::is_plain(m.bytes))
            log.message({received, m.bytes});  // no copy to escape
        else if (config.log_messages)
            log_escaped(log, m.bytes);
        const proto::Reply reply = proto::reply_to(m, config.rules, peer.ip);
        std::string_view failed_call;
        // Held lines go out before the child waits for a client to read.
        auto flush = [](void *l) { static_cast<ChildLog *>(l)->flush(); };
        if (net::send_all(fd, reply.line(), idle, &failed_call, flush, &log) < 0) {
            log.failed(failed_call);
            return 1;
        }
        if (!reply.close()) return serving;
        log.flush();  // the conversation is over: not after the linger
        close_gracefully(fd, buf);
        return 0;
    };
    // Answers every message data completes; *answered counts them.
    auto answer_all = [&](std::string_view data, int *answered) {
        if (raw) {
            ++*answered;
            return answer(proto::raw_message(data));
        }
        // One message at a time, in place: no vector of them on the heap.
        while (const auto m = framer.next(data)) {
            ++*answered;
            if (const int end = answer(*m); end != serving) return end;
        }
        return serving;
    };

    // The timers: the wait for a message is a blocking recv(), with no
    // poll() and no timeout on the socket; the Alarm interrupts it by the
    // idle deadline and by the held lines' due time. It is set only when it
    // must ring earlier, or after it rang: once per connection, and about
    // twice per --log-flush period while lines are held.
    constexpr std::chrono::microseconds again_at_most = std::chrono::milliseconds(50);
    Alarm alarm(hold.count() > 0 ? std::min(hold, again_at_most) : again_at_most);
    auto now = Alarm::clock::now();
    // Moves only when a message is complete: a client that dribbles part of
    // a message is closed too.
    auto idle_deadline = now + idle;
    auto set_alarm = [&] { return alarm.no_later_than(std::min(idle_deadline, log.due()), now); };
    if (set_alarm() < 0) {
        log.failed("setitimer");
        return 1;
    }

    for (;;) {
        const ssize_t n = sys::recv(fd, buf.data(), buf.size(), 0);
        if (n == 0) {
            const auto last = framer.finish();
            return last ? std::max(answer(*last), 0) : 0;
        }
        if (n < 0 && !interrupted(errno)) {
            log.failed("recv");
            return 1;
        }
        now = Alarm::clock::now();  // one clock read a turn
        if (n > 0) {
            int answered = 0;
            const int end = answer_all({buf.data(), static_cast<std::size_t>(n)}, &answered);
            if (end != serving) return end;
            if (answered > 0) {
                idle_deadline = now + idle;
                // From the second batch on: a one-message connection writes its line at once.
                log.hold_from_now();
            }
        } else if (now >= idle_deadline) {
            log.error("closing " + peer.endpoint + ": no message for " +
                      std::to_string(config.idle_timeout_s) + " s");
            return 0;
        }
        log.tick(now);
        if (set_alarm() < 0) {
            log.failed("setitimer");
            return 1;
        }
    }
}

}  // namespace server
