// SPDX-License-Identifier: MIT
// serverfork's command line.
#pragma once

#include <string>
#include <variant>

#include "cli/args.hpp"
#include "cli/protocol_options.hpp"
#include "protocol/message.hpp"

namespace server {

struct Options {
    int port = cli::default_port;
    std::string bind = "0.0.0.0";  // all IPv4 interfaces, as INADDR_ANY in the worksheet
    int backlog = 0;               // 0: the system's most (backlog_for)
    std::size_t max_message = proto::default_max_message;
    proto::ReplyMode reply = proto::ReplyMode::hello;
    proto::Framing framing = proto::Framing::line;
    int max_children = 64;
    int max_per_address = 0;  // live connections from one IP at most; 0: no limit
    int idle_timeout_s = 300;
    int grace_s = 10;
    bool log_connections = true;  // --log-level all; errors: no per-connection lines
    int log_flush_ms = -1;        // --log-flush; -1: the default below, 0 on a terminal
};

// How long a child holds its message lines by default (see ChildLog).
constexpr int default_log_flush_ms = 100;
// --log-flush as given, else the default; 0 for a terminal, whose reader
// watches lines as they come (stdio's rule: line-buffered on a terminal).
int log_flush_ms(const Options &o, bool stderr_is_terminal);

// The backlog listen() gets: the one asked for (0: none) but at most the
// system's cap, which the kernel would apply anyway, as nginx and Go do.
int backlog_for(int asked, int system_cap);
// net.core.somaxconn read from path, else the SOMAXCONN constant.
int system_somaxconn(const char *path = "/proc/sys/net/core/somaxconn");

std::variant<Options, cli::Stop> parse_options(int argc, const char *const argv[]);

}  // namespace server
