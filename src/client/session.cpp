// SPDX-License-Identifier: MIT
#include "client/session.hpp"

#include <sys/socket.h>

#include <cerrno>
#include <chrono>
#include <optional>
#include <string_view>

#include "net/transfer.hpp"
#include "protocol/escape.hpp"
#include "sys/errno_text.hpp"
#include "sys/io.hpp"
#include "sys/net.hpp"

namespace client {
namespace {

constexpr std::size_t chunk = 4096;
constexpr std::size_t max_reply = std::size_t{2} * 1024 * 1024;

// The outcome of reading: a line, the end of the stream, or an errno.
struct Read {
    std::optional<std::string> line;
    int error = 0;     // 0: a line or the end of the stream
    bool cut = false;  // the socket's stream ended within a line
};

// Lines from an fd: stdin (no deadline) or the socket (with one).
class LineSource {
public:
    LineSource(int fd, bool socket) : fd_(fd), socket_(socket) {}

    // With raw, one receive is one reply (the worksheet's recv()).
    Read next(const net::Deadline &deadline, bool raw = false) {
        for (;;) {
            if (raw && !pending_.empty()) return take(pending_.size(), 0);
            if (const auto nl = pending_.find('\n'); nl != std::string::npos && !raw)
                return take(nl, 1);
            if (pending_.size() > max_reply) return {std::nullopt, EMSGSIZE};
            if (eof_) {
                if (pending_.empty()) return {};
                if (socket_ && !raw) return {std::nullopt, 0, true};
                return take(pending_.size(), 0);
            }
            char buf[chunk];
            const ssize_t n = socket_ ? net::recv_some(fd_, buf, sizeof buf, deadline)
                                      : sys::read(fd_, buf, sizeof buf);
            if (n < 0) {
                if (!socket_ && errno == EINTR) continue;
                return {std::nullopt, errno};
            }
            if (n == 0) eof_ = true;
            pending_.append(buf, static_cast<std::size_t>(n));
        }
    }

private:
    Read take(std::size_t len, std::size_t skip) {
        std::string line = pending_.substr(0, len);
        pending_.erase(0, len + skip);
        return {std::move(line), 0, false};
    }

    int fd_;
    bool socket_;
    bool eof_ = false;
    std::string pending_;
};

std::string_view without_newline(std::string_view s) {
    if (s.ends_with('\n')) s.remove_suffix(1);
    if (s.ends_with('\r')) s.remove_suffix(1);
    return s;
}

}  // namespace

std::optional<std::string> run_session(int sock, int input_fd, std::FILE *out,
                                       const SessionConfig &config) {
    const bool raw = config.framing == proto::Framing::raw;
    const auto timeout = std::chrono::seconds(config.timeout_s);
    LineSource input(input_fd, false);
    LineSource server(sock, true);

    auto fail = [](std::string what) { return std::optional<std::string>(std::move(what)); };
    auto read_failure = [&](int e) {
        if (e == ETIMEDOUT)
            return fail("no reply from " + config.server + " within " +
                        std::to_string(config.timeout_s) + " s");
        if (e == ECONNRESET || e == EPIPE) return fail("server closed the connection");
        if (e == EMSGSIZE) return fail("reply from " + config.server + " is too long");
        return fail("recv failed: " + sys::errno_text(e));
    };
    auto print_reply = [&](std::string_view reply) {
        reply = without_newline(reply);
        std::fputs("Received: ", out);
        const std::string escaped = config.escape ? proto::escape(reply) : std::string();
        if (config.escape) reply = escaped;
        std::fwrite(reply.data(), 1, reply.size(), out);
        std::fputc('\n', out);
        std::fflush(out);
    };

    for (;;) {
        if (config.prompt) {
            std::fputs("Message to send: ", out);
            std::fflush(out);
        }
        const Read in = input.next(net::Deadline::never());
        if (in.error != 0) return fail("reading input: " + sys::errno_text(in.error));
        if (!in.line) break;
        const std::string_view message = without_newline(*in.line);
        if (raw && message.empty()) continue;  // nothing to send, nothing to await
        const std::string payload = raw ? std::string(message) : std::string(message) + "\n";
        if (net::send_all(sock, payload, net::Deadline::in(timeout)) < 0) {
            if (errno == EPIPE || errno == ECONNRESET) return fail("server closed the connection");
            if (errno == ETIMEDOUT) return read_failure(ETIMEDOUT);
            return fail("send failed: " + sys::errno_text(errno));
        }
        const Read reply = server.next(net::Deadline::in(timeout), raw);
        if (reply.error != 0) return read_failure(reply.error);
        if (reply.cut) return fail("reply cut short");
        if (!reply.line) return fail("server closed the connection");
        print_reply(*reply.line);
        if (message == "quit") return std::nullopt;
    }

    // End of input: tell the server, then print what it still sends, for
    // --timeout in all: a server that keeps sending is not followed for ever.
    // On a connected socket shutdown fails only with ENOTCONN, when the server
    // is already gone: the read below then reports it.
    (void)sys::shutdown(sock, SHUT_WR);
    const auto last = net::Deadline::in(timeout);
    for (;;) {
        // Checked here too: while lines keep coming, no read waits and times out.
        const Read reply = last.expired() ? Read{std::nullopt, ETIMEDOUT} : server.next(last, raw);
        if (reply.error != 0) return read_failure(reply.error);
        if (reply.cut) return fail("reply cut short");
        if (!reply.line) return std::nullopt;
        print_reply(*reply.line);
    }
}

}  // namespace client
