// SPDX-License-Identifier: MIT
// The listening socket: bound, listening, non-blocking, close-on-exec.
#pragma once

#include <string>
#include <variant>

#include "server/options.hpp"
#include "sys/fd.hpp"

namespace server {

struct Listener {
    sys::OwnFd fd;
    std::string endpoint;  // what it is bound to, with the real port
    int backlog = 0;       // what listen() got
};

// On failure: what failed, naming the address and the reason, for the
// program to print (exit status 1).
std::variant<Listener, std::string> open_listener(const Options &o);

}  // namespace server
