// SPDX-License-Identifier: MIT
#include "protocol/reply.hpp"

namespace proto {

Reply reply_to(const Message &m, const ReplyRules &rules, std::string_view client_ip) {
    if (m.too_long)
        return Reply::built(
            "Error: message too long (max " + std::to_string(rules.max_message) + " bytes)\n",
            false);
    if (m.bytes == "quit") return Reply::built("Goodbye, " + std::string(client_ip) + "\n", true);
    if (rules.mode == ReplyMode::echo) return Reply::built(std::string(m.bytes) + "\n", false);
    return Reply::fixed(hello_reply, false);
}

}  // namespace proto
