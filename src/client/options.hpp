// SPDX-License-Identifier: MIT
// msgclient's command line.
#pragma once

#include <string>
#include <variant>

#include "cli/args.hpp"
#include "cli/protocol_options.hpp"
#include "protocol/message.hpp"

namespace client {

struct Options {
    std::string host;
    int port = cli::default_port;
    proto::Framing framing = proto::Framing::line;
    int timeout_s = 10;
    bool raw = false;  // --raw: replies verbatim even on a terminal
};

std::variant<Options, cli::Stop> parse_options(int argc, const char *const argv[]);

}  // namespace client
