// SPDX-License-Identifier: MIT
// Connecting to HOST:PORT by name or address, each address in turn.
#pragma once

#include <string>
#include <variant>

#include "net/deadline.hpp"
#include "sys/fd.hpp"

namespace client {

// A connected non-blocking socket, or one line saying why not.
std::variant<sys::OwnFd, std::string> connect_to(const std::string &host, int port,
                                                 const net::Deadline &deadline);

}  // namespace client
