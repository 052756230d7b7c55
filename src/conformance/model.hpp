// SPDX-License-Identifier: MIT
// The model: what a conforming server replies to a client's messages,
// computed from the messages as generated (not by framing the stream again).
#pragma once

#include <string>
#include <vector>

#include "conformance/scenario.hpp"
#include "probe/target.hpp"

namespace conformance {

struct Expected {
    std::vector<std::string> replies;  // each without its "\n"
    bool server_closes = false;        // after the last reply (quit, or end of input)
};

// For a client that sends all its messages and, in the reference profile,
// then half-closes.
Expected expected_replies(const Client &c, const probe::Target &t,
                          const std::string &client_ip = "127.0.0.1");

// The one reply to one message's content, in the reference profile.
std::string reference_reply(const std::string &content, const probe::Target &t,
                            const std::string &client_ip);

}  // namespace conformance
