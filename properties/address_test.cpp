// SPDX-License-Identifier: MIT
// Peer addresses as the server logs them and as it greets ("Goodbye, IP"):
// IPv4, IPv6 in brackets, and IPv4-mapped IPv6 shown as the IPv4 it is.
#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/un.h>

#include <gtest/gtest.h>

#include "net/address.hpp"

namespace {

sockaddr_storage v4(const char *ip, int port) {
    sockaddr_storage ss{};
    auto &in = reinterpret_cast<sockaddr_in &>(ss);
    in.sin_family = AF_INET;
    in.sin_port = htons(static_cast<uint16_t>(port));
    EXPECT_EQ(inet_pton(AF_INET, ip, &in.sin_addr), 1) << ip;
    return ss;
}

sockaddr_storage v6(const char *ip, int port) {
    sockaddr_storage ss{};
    auto &in6 = reinterpret_cast<sockaddr_in6 &>(ss);
    in6.sin6_family = AF_INET6;
    in6.sin6_port = htons(static_cast<uint16_t>(port));
    EXPECT_EQ(inet_pton(AF_INET6, ip, &in6.sin6_addr), 1) << ip;
    return ss;
}

}  // namespace

TEST(Address, Ipv4IsDottedQuadAndPort) {
    const auto ss = v4("127.0.0.1", 51234);
    EXPECT_EQ(net::ip_of(ss), "127.0.0.1");
    EXPECT_EQ(net::port_of(ss), 51234);
    EXPECT_EQ(net::endpoint_of(ss), "127.0.0.1:51234");
}

TEST(Address, Ipv6IsBracketedInAnEndpoint) {
    const auto ss = v6("2001:db8::7", 443);
    EXPECT_EQ(net::ip_of(ss), "2001:db8::7");
    EXPECT_EQ(net::port_of(ss), 443);
    EXPECT_EQ(net::endpoint_of(ss), "[2001:db8::7]:443");
}

// A dual-stack listener sees IPv4 clients as ::ffff:a.b.c.d; people (and the
// Goodbye reply) expect the IPv4 address.
TEST(Address, Ipv4MappedIpv6IsShownAsIpv4) {
    const auto ss = v6("::ffff:192.0.2.9", 3490);
    EXPECT_EQ(net::ip_of(ss), "192.0.2.9");
    EXPECT_EQ(net::endpoint_of(ss), "192.0.2.9:3490");
}

TEST(Address, OtherFamiliesAreAQuestionMarkAndPortZero) {
    sockaddr_storage ss{};
    reinterpret_cast<sockaddr_un &>(ss).sun_family = AF_UNIX;
    EXPECT_EQ(net::ip_of(ss), "?");
    EXPECT_EQ(net::port_of(ss), 0);
}

TEST(Address, EndpointBracketsOnlyIpv6) {
    EXPECT_EQ(net::endpoint("0.0.0.0", 3490), "0.0.0.0:3490");
    EXPECT_EQ(net::endpoint("::", 3490), "[::]:3490");
}
