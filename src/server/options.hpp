// serverfork's command line.
#pragma once

#include <string>
#include <variant>

#include "cli/args.hpp"
#include "protocol/message.hpp"

namespace server {

struct Options {
    int port = proto::default_port;
    std::string bind = "0.0.0.0";  // all IPv4 interfaces, as INADDR_ANY in the worksheet
    int backlog = 128;
    std::size_t max_message = proto::default_max_message;
    proto::ReplyMode reply = proto::ReplyMode::hello;
    proto::Framing framing = proto::Framing::line;
    int max_children = 64;
    int idle_timeout_s = 300;
    int grace_s = 10;
    bool log_connections = true;  // --log-level all; errors: no per-connection lines
};

std::variant<Options, cli::Stop> parse_options(int argc, const char *const argv[]);

}  // namespace server
