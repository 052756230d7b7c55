// SPDX-License-Identifier: MIT
#include "conformance/model.hpp"

namespace conformance {

std::string reference_reply(const std::string &content, const probe::Target &t,
                            const std::string &client_ip) {
    if (content.size() > t.max_message)
        return "Error: message too long (max " + std::to_string(t.max_message) + " bytes)";
    if (content == "quit") return "Goodbye, " + client_ip;
    return t.reply == proto::ReplyMode::echo ? content : "Hello, World!";
}

Expected expected_replies(const Client &c, const probe::Target &t, const std::string &client_ip) {
    Expected e;
    if (t.profile == probe::Profile::worksheet) {
        // One reply per send, quit included; the server closes after quit.
        for (const auto &m : c.messages) {
            e.replies.push_back(t.reply == proto::ReplyMode::echo ? m.bytes : "Hello, World!");
            if (m.bytes == "quit") {
                e.server_closes = true;
                break;
            }
        }
        return e;
    }
    e.server_closes = true;  // after quit, or once it sees our half-close
    for (const auto &m : c.messages) {
        std::string content = m.bytes;
        // One CR before the LF belongs to the line ending.
        if (m.ending == "\n" && content.ends_with('\r')) content.pop_back();
        if (m.ending.empty() && content.empty()) break;  // nothing was sent
        e.replies.push_back(reference_reply(content, t, client_ip));
        if (content == "quit") break;
    }
    return e;
}

}  // namespace conformance
