// SPDX-License-Identifier: MIT
// Socket addresses as people read them.
#pragma once

#include <sys/socket.h>

#include <string>

namespace net {

// "127.0.0.1" or "::1"; an IPv4-mapped IPv6 address is shown as IPv4.
std::string ip_of(const sockaddr_storage &ss);
int port_of(const sockaddr_storage &ss);
// "127.0.0.1:51234" or "[::1]:51234".
std::string endpoint_of(const sockaddr_storage &ss);
std::string endpoint(const std::string &ip, int port);

}  // namespace net
