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

struct Reply {
    std::string line;  // ends in "\n"
    bool close;        // the server closes the connection after sending it
};

Reply reply_to(const Message &m, const ReplyRules &rules, std::string_view client_ip);

// Sent, if it can be, to a client the server could not fork a child for.
inline constexpr std::string_view busy_reply = "Error: server busy\n";

}  // namespace proto
