#include "server/child.hpp"

#include <sys/socket.h>

#include <cerrno>
#include <chrono>
#include <vector>

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
void close_gracefully(int fd, std::vector<char> &buf) {
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
    // Raw framing reads at most the limit per recv(), as the worksheet does.
    std::vector<char> buf(raw ? config.rules.max_message : line_chunk);
    std::vector<proto::Message> messages;
    auto idle_deadline = net::Deadline::in(idle);

    for (;;) {
        const ssize_t n = net::recv_some(fd, buf.data(), buf.size(), idle_deadline);
        if (n < 0) {
            if (errno == ETIMEDOUT && idle_deadline.expired()) {
                log::error("closing " + peer.endpoint + ": no message for " +
                           std::to_string(config.idle_timeout_s) + " s");
                return 0;
            }
            log::failed("recv", " (client " + peer.endpoint + ")");
            return 1;
        }
        messages.clear();
        const std::string_view data(buf.data(), static_cast<std::size_t>(n));
        if (n == 0) {
            if (auto last = framer.finish()) messages.push_back(std::move(*last));
        } else if (raw) {
            messages.push_back(proto::raw_message(data));
        } else {
            framer.feed(data, messages);
        }
        for (const auto &m : messages) {
            if (m.too_long)
                log::error("message from " + peer.endpoint + " over " +
                           std::to_string(config.rules.max_message) + " bytes, discarded");
            else if (config.log_messages)
                log::line("Message received: " + proto::escape(m.bytes));
            const proto::Reply reply = proto::reply_to(m, config.rules, peer.ip);
            if (net::send_all(fd, reply.line, net::Deadline::in(idle)) < 0) {
                log::failed("send", " (client " + peer.endpoint + ")");
                return 1;
            }
            if (reply.close) {
                close_gracefully(fd, buf);
                return 0;
            }
        }
        if (n == 0) return 0;
        if (!messages.empty()) idle_deadline = net::Deadline::in(idle);
    }
}

}  // namespace server
