// SPDX-License-Identifier: MIT
// What a child does with its one client: read messages, reply to each,
// until quit, end of input, an error or the idle timeout.
#pragma once

#include <string>

#include "protocol/message.hpp"
#include "protocol/reply.hpp"

namespace server {

struct ChildConfig {
    proto::Framing framing = proto::Framing::line;
    proto::ReplyRules rules;
    int idle_timeout_s = 300;
    bool log_messages = true;  // "Message received: ..." on stderr
    int log_flush_ms = 0;      // >0: those lines are held, each at most this long
};

struct Peer {
    std::string ip;        // for the goodbye
    std::string endpoint;  // ip:port, for logs
};

// Serves the connected socket fd, which must be blocking, with SIGALRM
// handled by Alarm::on_ring without SA_RESTART (signals::install). Returns
// the child's exit status: 0 after quit, end of input or the idle timeout,
// 1 on a socket or timer error.
int serve_client(int fd, const Peer &peer, const ChildConfig &config);

}  // namespace server
