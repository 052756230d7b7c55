// SPDX-License-Identifier: MIT
#include "net/address.hpp"

#include <arpa/inet.h>
#include <netinet/in.h>

#include <cstring>

namespace net {

std::string ip_of(const sockaddr_storage &ss) {
    char buf[INET6_ADDRSTRLEN] = "?";
    if (ss.ss_family == AF_INET) {
        const auto &in = reinterpret_cast<const sockaddr_in &>(ss);
        inet_ntop(AF_INET, &in.sin_addr, buf, sizeof buf);
    } else if (ss.ss_family == AF_INET6) {
        const auto &in6 = reinterpret_cast<const sockaddr_in6 &>(ss);
        if (IN6_IS_ADDR_V4MAPPED(&in6.sin6_addr))
            inet_ntop(AF_INET, &in6.sin6_addr.s6_addr[12], buf, sizeof buf);
        else
            inet_ntop(AF_INET6, &in6.sin6_addr, buf, sizeof buf);
    }
    return buf;
}

int port_of(const sockaddr_storage &ss) {
    if (ss.ss_family == AF_INET) return ntohs(reinterpret_cast<const sockaddr_in &>(ss).sin_port);
    if (ss.ss_family == AF_INET6)
        return ntohs(reinterpret_cast<const sockaddr_in6 &>(ss).sin6_port);
    return 0;
}

std::string endpoint(const std::string &ip, int port) {
    const bool v6 = ip.find(':') != std::string::npos;
    return (v6 ? "[" + ip + "]" : ip) + ":" + std::to_string(port);
}

std::string endpoint_of(const sockaddr_storage &ss) { return endpoint(ip_of(ss), port_of(ss)); }

}  // namespace net
