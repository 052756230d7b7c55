// SPDX-License-Identifier: MIT
// A client session: each input line is sent, its one reply read and printed.
#pragma once

#include <cstdio>
#include <optional>
#include <string>

#include "protocol/message.hpp"

namespace client {

struct SessionConfig {
    proto::Framing framing = proto::Framing::line;
    int timeout_s = 10;   // bound on each reply
    bool prompt = false;  // "Message to send: " before each line
    bool escape = false;  // replies escaped (proto::escape): for a terminal
    std::string server;   // host:port, for messages
};

// Runs until quit, the end of input, or an error, which it returns for the
// program to print (exit status 1).
std::optional<std::string> run_session(int sock, int input_fd, std::FILE *out,
                                       const SessionConfig &config);

}  // namespace client
