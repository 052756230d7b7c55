// SPDX-License-Identifier: MIT
// A raw TCP client for tests: sends exact bytes, reads reply lines with
// deadlines, half-closes, resets. Never raises SIGPIPE.
#pragma once

#include <chrono>
#include <functional>
#include <optional>
#include <string>
#include <string_view>

namespace probe {

class TestClient {
public:
    // Connects to host:port (loopback by default); throws on failure.
    explicit TestClient(int port, const std::string &host = "127.0.0.1");
    TestClient(const TestClient &) = delete;
    TestClient &operator=(const TestClient &) = delete;
    ~TestClient();

    // False if the connection failed (e.g. reset by the server).
    bool send(std::string_view bytes);
    // The next line without its "\n"; nothing on end of stream, error or time up.
    std::optional<std::string> read_line(std::chrono::milliseconds limit = std::chrono::seconds(5));
    // As read_line, but also gives up once stop() is true (asked every 20 ms
    // or so); why_no_line() then tells the time waited.
    std::optional<std::string> read_line_until(std::chrono::milliseconds limit,
                                               const std::function<bool()> &stop);
    // Why the last read_line gave nothing, in words: "nothing within 5 s",
    // "the server closed the connection 503 ms after the client's half-close", or
    // "the server had closed the connection when the client read, 2661 ms
    // after the client's half-close" when it came before the client looked.
    std::string why_no_line() const;
    // Whether the last read_line gave nothing only because its time was up.
    bool timed_out() const { return end_ == End::timeout; }
    // True if the server closes (end of stream or reset) within limit, with
    // no more data before it.
    bool closed_by_server(std::chrono::milliseconds limit = std::chrono::seconds(5));
    void shutdown_write();
    void reset();  // close with SO_LINGER 0: the peer sees a reset
    void close();
    int local_port() const;

private:
    // One recv into buffer_: >0 bytes, 0 end, -1 error or time up.
    int fill(std::chrono::steady_clock::time_point deadline);
    using time_point = std::chrono::steady_clock::time_point;
    enum class End { none, timeout, closed, reset, error };
    int fd_ = -1;
    std::string buffer_;
    End end_ = End::none;  // how the last fill() that brought nothing ended
    int end_errno_ = 0;
    std::chrono::milliseconds waited_{0};  // the last read_line's limit
    time_point ended_at_{}, half_closed_at_{};
    bool ended_before_ = false;  // the end was there when the read that found it began
};

}  // namespace probe
