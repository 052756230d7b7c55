// SPDX-License-Identifier: MIT
#include "server/listener.hpp"

#include <netdb.h>
#include <netinet/in.h>

#include <cerrno>
#include <cstring>

#include "net/address.hpp"
#include "sys/errno_text.hpp"
#include "sys/net.hpp"

namespace server {

std::variant<Listener, std::string> open_listener(const Options &o) {
    const std::string where = net::endpoint(o.bind, o.port);
    auto fail = [&](std::string_view call) {
        return std::string(call) + " " + where + ": " + sys::errno_text(errno);
    };

    addrinfo hints{};
    hints.ai_flags = AI_PASSIVE | AI_NUMERICHOST | AI_NUMERICSERV;
    hints.ai_socktype = SOCK_STREAM;
    addrinfo *res = nullptr;
    if (int rc = sys::getaddrinfo(o.bind.c_str(), std::to_string(o.port).c_str(), &hints, &res);
        rc != 0)
        return "address " + where + ": " +
               (rc == EAI_SYSTEM ? sys::errno_text(errno) : gai_strerror(rc));
    sockaddr_storage addr{};
    const socklen_t addr_len = res->ai_addrlen;
    const int family = res->ai_family;
    std::memcpy(&addr, res->ai_addr, addr_len);
    freeaddrinfo(res);

    sys::OwnFd fd(sys::socket(family, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0));
    if (!fd.valid()) return fail("socket");
    const int yes = 1;
    const int no = 0;
    // Restart at once on the same port after a kill, as the worksheet explains.
    if (sys::setsockopt(fd.get(), SOL_SOCKET, SO_REUSEADDR, &yes, sizeof yes) < 0)
        return fail("setsockopt SO_REUSEADDR");
    if (family == AF_INET6 &&
        sys::setsockopt(fd.get(), IPPROTO_IPV6, IPV6_V6ONLY, &no, sizeof no) < 0)
        return fail("setsockopt IPV6_V6ONLY");
    if (sys::bind(fd.get(), reinterpret_cast<sockaddr *>(&addr), addr_len) < 0) return fail("bind");
    const int backlog = backlog_for(o.backlog, system_somaxconn());
    if (sys::listen(fd.get(), backlog) < 0) return fail("listen");
    socklen_t len = sizeof addr;
    if (sys::getsockname(fd.get(), reinterpret_cast<sockaddr *>(&addr), &len) < 0)
        return fail("getsockname");
    return Listener{std::move(fd), net::endpoint_of(addr), backlog};
}

}  // namespace server
