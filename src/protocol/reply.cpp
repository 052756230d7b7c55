#include "protocol/reply.hpp"

namespace proto {

Reply reply_to(const Message &m, const ReplyRules &rules, std::string_view client_ip) {
    if (m.too_long)
        return {"Error: message too long (max " + std::to_string(rules.max_message) + " bytes)\n",
                false};
    if (m.bytes == "quit") return {"Goodbye, " + std::string(client_ip) + "\n", true};
    if (rules.mode == ReplyMode::echo) return {m.bytes + "\n", false};
    return {"Hello, World!\n", false};
}

}  // namespace proto
