// SPDX-License-Identifier: MIT
#include "probe/test_client.hpp"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <stdexcept>

#include "protocol/escape.hpp"

namespace probe {

TestClient::TestClient(int port, const std::string &host) {
    sockaddr_storage ss{};
    socklen_t len = 0;
    auto *in = reinterpret_cast<sockaddr_in *>(&ss);
    auto *in6 = reinterpret_cast<sockaddr_in6 *>(&ss);
    if (inet_pton(AF_INET, host.c_str(), &in->sin_addr) == 1) {
        in->sin_family = AF_INET;
        in->sin_port = htons(static_cast<uint16_t>(port));
        len = sizeof *in;
    } else if (inet_pton(AF_INET6, host.c_str(), &in6->sin6_addr) == 1) {
        in6->sin6_family = AF_INET6;
        in6->sin6_port = htons(static_cast<uint16_t>(port));
        len = sizeof *in6;
    } else {
        throw std::runtime_error("TestClient: not an address: " + host);
    }
    fd_ = socket(ss.ss_family, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (fd_ < 0 || connect(fd_, reinterpret_cast<sockaddr *>(&ss), len) < 0) {
        const int e = errno;
        if (fd_ >= 0) ::close(fd_);
        throw std::runtime_error("TestClient: connect to port " + std::to_string(port) + ": " +
                                 std::strerror(e));
    }
}

TestClient::~TestClient() { close(); }

bool TestClient::send(std::string_view bytes) {
    while (!bytes.empty()) {
        const ssize_t n = ::send(fd_, bytes.data(), bytes.size(), MSG_NOSIGNAL);
        if (n < 0) {
            if (errno == EINTR) continue;
            return false;
        }
        bytes.remove_prefix(static_cast<std::size_t>(n));
    }
    return true;
}

int TestClient::fill(std::chrono::steady_clock::time_point deadline) {
    for (;;) {
        const auto left = std::chrono::ceil<std::chrono::milliseconds>(
            deadline - std::chrono::steady_clock::now());
        pollfd p{fd_, POLLIN, 0};
        // Whatever is there before the wait came at some unknown time before.
        int r = poll(&p, 1, 0);
        const bool there = r > 0;
        if (r == 0 && left.count() > 0) r = poll(&p, 1, static_cast<int>(left.count()));
        if (r == 0) {
            end_ = End::timeout;
            return -1;
        }
        if (r < 0) {
            if (errno == EINTR) continue;
            end_ = End::error;
            end_errno_ = errno;
            return -1;
        }
        char buf[65536];
        const ssize_t n = recv(fd_, buf, sizeof buf, 0);
        if (n < 0 && errno == EINTR) continue;
        if (n > 0) {
            buffer_.append(buf, static_cast<std::size_t>(n));
            return 1;
        }
        ended_at_ = std::chrono::steady_clock::now();
        ended_before_ = there;
        end_ = n == 0 ? End::closed : errno == ECONNRESET ? End::reset : End::error;
        end_errno_ = n == 0 ? 0 : errno;
        return n < 0 ? -1 : 0;
    }
}

std::string TestClient::why_no_line() const {
    using namespace std::chrono;
    std::string partial;
    if (!buffer_.empty())
        partial = " after \"" +
                  proto::escape(buffer_.size() > 40 ? buffer_.substr(0, 40) + "..." : buffer_) +
                  "\" without a newline";
    switch (end_) {
    case End::timeout: {
        const auto s = duration<double>(waited_).count();
        char limit[32];
        std::snprintf(limit, sizeof limit, "%g s", s);
        return (buffer_.empty() ? "nothing came" : "only an unfinished line came") +
               std::string(" within ") + limit + partial;
    }
    case End::closed:
    case End::reset: {
        const std::string what = end_ == End::closed ? "closed" : "reset";
        if (half_closed_at_ == time_point{} || ended_at_ < half_closed_at_)
            return "the server " + what + " the connection" + partial;
        const std::string after =
            std::to_string(duration_cast<milliseconds>(ended_at_ - half_closed_at_).count()) +
            " ms after the client's half-close";
        // Seen only when the client read: the time is when it read, not when
        // the server closed.
        if (ended_before_)
            return "the server had " + what + " the connection when the client read, " + after +
                   partial;
        return "the server " + what + " the connection " + after + partial;
    }
    case End::error: return std::string("recv failed: ") + std::strerror(end_errno_) + partial;
    case End::none: break;
    }
    return "nothing came" + partial;
}

std::optional<std::string> TestClient::read_line(std::chrono::milliseconds limit) {
    waited_ = limit;
    end_ = End::none;
    const auto deadline = std::chrono::steady_clock::now() + limit;
    for (;;) {
        if (const auto nl = buffer_.find('\n'); nl != std::string::npos) {
            std::string line = buffer_.substr(0, nl);
            buffer_.erase(0, nl + 1);
            return line;
        }
        if (fill(deadline) <= 0) return std::nullopt;
    }
}

std::optional<std::string> TestClient::read_line_until(std::chrono::milliseconds limit,
                                                       const std::function<bool()> &stop) {
    using namespace std::chrono;
    const auto start = steady_clock::now();
    const auto deadline = start + limit;
    for (;;) {
        const auto step = std::min(deadline - steady_clock::now(), nanoseconds(20ms));
        if (auto line = read_line(duration_cast<milliseconds>(step))) return line;
        if (!timed_out()) return std::nullopt;
        if (steady_clock::now() >= deadline || stop()) {
            waited_ = duration_cast<milliseconds>(steady_clock::now() - start);
            return std::nullopt;
        }
    }
}

bool TestClient::closed_by_server(std::chrono::milliseconds limit) {
    const auto deadline = std::chrono::steady_clock::now() + limit;
    for (;;) {
        if (!buffer_.empty()) return false;
        const auto left = std::chrono::ceil<std::chrono::milliseconds>(
            deadline - std::chrono::steady_clock::now());
        pollfd p{fd_, POLLIN, 0};
        if (poll(&p, 1, left.count() > 0 ? static_cast<int>(left.count()) : 0) <= 0) return false;
        char c;
        const ssize_t n = recv(fd_, &c, 1, 0);
        if (n == 0) return true;
        if (n < 0) return errno == ECONNRESET;
        buffer_.push_back(c);
    }
}

void TestClient::shutdown_write() {
    half_closed_at_ = std::chrono::steady_clock::now();
    ::shutdown(fd_, SHUT_WR);
}

void TestClient::reset() {
    if (fd_ < 0) return;
    const linger l{1, 0};
    setsockopt(fd_, SOL_SOCKET, SO_LINGER, &l, sizeof l);
    close();
}

void TestClient::close() {
    if (fd_ >= 0) ::close(fd_);
    fd_ = -1;
}

int TestClient::local_port() const {
    sockaddr_storage ss{};
    socklen_t len = sizeof ss;
    getsockname(fd_, reinterpret_cast<sockaddr *>(&ss), &len);
    return ntohs(ss.ss_family == AF_INET ? reinterpret_cast<sockaddr_in &>(ss).sin_port
                                         : reinterpret_cast<sockaddr_in6 &>(ss).sin6_port);
}

}  // namespace probe
