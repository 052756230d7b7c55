// SPDX-License-Identifier: MIT
// The reply rules: exactly one reply line per message.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

#include "protocol/message.hpp"

namespace proto {

struct ReplyRules {
    ReplyMode mode = ReplyMode::hello;
    std::size_t max_message = default_max_message;
};

inline constexpr std::string_view hello_reply = "Hello, World!\n";

// One reply line. A fixed reply is a view of a constant, so that answering a
// message in hello mode copies no bytes; the others are built.
class Reply {
public:
    static Reply fixed(std::string_view constant, bool close) { return {constant, close}; }
    static Reply built(std::string text, bool close) {
        Reply r({}, close);
        r.built_ = std::move(text);
        return r;
    }

    std::string_view line() const { return built_.empty() ? fixed_ : built_; }  // ends in "\n"
    bool close() const { return close_; }  // the server closes the connection after it

private:
    // No string is constructed from another for a fixed reply: even a short
    // one's move is a copy.
    Reply(std::string_view fixed, bool close) : fixed_(fixed), close_(close) {}

    std::string_view fixed_;
    std::string built_;
    bool close_;
};

Reply reply_to(const Message &m, const ReplyRules &rules, std::string_view client_ip);

// Sent, if it can be, to a client the server could not fork a child for.
inline constexpr std::string_view busy_reply = "Error: server busy\n";

// Sent to a client refused for having --max-per-address connections already.
inline std::string crowd_reply(std::string_view client_ip) {
    return "Error: too many connections from " + std::string(client_ip) + "\n";
}

}  // namespace proto
