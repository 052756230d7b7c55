// SPDX-License-Identifier: MIT
// msgbench: a closed-loop load generator for line servers. C clients, each
// doing one operation at a time for S seconds after a warm-up:
//   conn  connect, send one message, read its reply, close;
//   msg   one connection per client, message and reply in lockstep.
// Prints one human line and one JSON line. Errors are counted by kind over
// the whole run, warm-up included, and make the exit status 1.
#include <arpa/inet.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cerrno>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <string>
#include <thread>
#include <variant>
#include <vector>

#include "cli/args.hpp"
#include "cli/protocol_options.hpp"
#include "cli/tokens.hpp"
#include "protocol/message.hpp"
#include "sys/errno_text.hpp"

namespace {

using clock_type = std::chrono::steady_clock;
using std::chrono::nanoseconds;

constexpr const char *prog = "msgbench";

constexpr const char *usage =
    "usage: msgbench --port N [OPTION]...\n"
    "Closed-loop load on a line server: C clients, one operation each at a time.\n"
    "\n"
    "  --host ADDR        numeric IPv4 or IPv6 address (default 127.0.0.1)\n"
    "  --port N           server port (1-65535; required)\n"
    "  --mode MODE        conn: connect, one message, its reply, close;\n"
    "                     msg: one connection per client, lockstep (default conn)\n"
    "  --framing MODE     line: send MESSAGE\\n, a reply ends at \\n; raw: send\n"
    "                     MESSAGE, a reply is what one recv() returns (default line)\n"
    "  --clients C        concurrent clients (1-1024; default 4)\n"
    "  --seconds S        measured time (1-3600; default 5)\n"
    "  --warmup S         unmeasured time first (0-3600; default 1)\n"
    "  --timeout-ms N     deadline of one operation (1-600000; default 2000)\n"
    "  --message TEXT     what each operation sends (default hello)\n"
    "  --label NAME       name in the JSON line (default the server address)\n"
    "  -h, --help         show this help\n"
    "\n"
    "Output: one human line, then one JSON line: ops, ops_per_s, p50_us, p90_us,\n"
    "p99_us, max_us and errors (refused, reset, timeout, short, other), and\n"
    "all_ops, the operations done warm-up included (for a server's CPU per op).\n"
    "Exit status: 0 without errors, 1 with any error (or no operation), 2 on a\n"
    "bad command line.\n";

enum class Mode { conn, msg };
using proto::Framing;

struct Config {
    sockaddr_storage addr{};
    socklen_t addr_len = 0;
    std::string host = "127.0.0.1";
    int port = 0;
    Mode mode = Mode::conn;
    Framing framing = Framing::line;
    int clients = 4;
    int seconds = 5;
    int warmup = 1;
    int timeout_ms = 2000;
    std::string message = "hello";
    std::string label;
};

enum Err { refused, reset, timeout, short_reply, other, err_count };
constexpr const char *err_names[err_count] = {"refused", "reset", "timeout", "short", "other"};

Err classify(int e) {
    switch (e) {
    case ECONNREFUSED: return refused;
    case ECONNRESET:
    case EPIPE:
    case ECONNABORTED: return reset;
    case ETIMEDOUT:
    case EAGAIN:
    case EINPROGRESS: return timeout;
    default: return other;
    }
}

struct Result {
    std::vector<std::uint32_t> latency_ns_capped;  // per measured op, in ns (max ~4 s)
    long all_ops = 0;                              // warm-up and the last, unmeasured op included
    long errors[err_count] = {};
    int first_errno = 0;
};

class Client {
public:
    Client(const Config &c, clock_type::time_point measure_from, clock_type::time_point stop)
        : c_(c), from_(measure_from), stop_(stop) {
        request_ = c.message;
        if (c.framing == Framing::line) request_ += '\n';
        buf_.resize(64 * 1024);
    }
    ~Client() { drop(); }

    void run(Result &r) {
        r.latency_ns_capped.reserve(1 << 16);
        for (;;) {
            const auto t0 = clock_type::now();
            if (t0 >= stop_) break;
            const int rc = c_.mode == Mode::conn ? conn_op() : msg_op();
            const auto t1 = clock_type::now();
            if (rc < 0) {
                ++r.errors[err_];
                if (r.first_errno == 0) r.first_errno = errno_;
                drop();
                // Not a spin against a server that refuses: 1 ms between errors.
                std::this_thread::sleep_for(std::chrono::milliseconds(1));
                continue;
            }
            ++r.all_ops;
            if (t0 >= from_ && t1 <= stop_) {
                const auto ns = std::chrono::duration_cast<nanoseconds>(t1 - t0).count();
                r.latency_ns_capped.push_back(
                    static_cast<std::uint32_t>(std::min<long long>(ns, UINT32_MAX)));
            }
        }
        drop();
    }

private:
    int fail(Err e, int saved) {
        err_ = e;
        errno_ = saved;
        return -1;
    }
    int fail_errno() { return fail(classify(errno), errno); }

    void drop() {
        if (fd_ >= 0) ::close(fd_);
        fd_ = -1;
    }

    // A blocking socket whose send, receive and connect time out at the deadline.
    int open() {
        fd_ = ::socket(c_.addr.ss_family, SOCK_STREAM | SOCK_CLOEXEC, 0);
        if (fd_ < 0) return fail_errno();
        const timeval tv{c_.timeout_ms / 1000, (c_.timeout_ms % 1000) * 1000};
        if (::setsockopt(fd_, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv) < 0 ||
            ::setsockopt(fd_, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof tv) < 0)
            return fail_errno();
        if (::connect(fd_, reinterpret_cast<const sockaddr *>(&c_.addr), c_.addr_len) < 0)
            return fail_errno();
        return 0;
    }

    // One message out, one whole reply in, within the deadline.
    int exchange(clock_type::time_point deadline) {
        std::size_t sent = 0;
        while (sent < request_.size()) {
            const ssize_t n =
                ::send(fd_, request_.data() + sent, request_.size() - sent, MSG_NOSIGNAL);
            if (n < 0) {
                if (errno == EINTR) continue;
                return fail_errno();
            }
            sent += static_cast<std::size_t>(n);
        }
        for (;;) {
            const ssize_t n = ::recv(fd_, buf_.data(), buf_.size(), 0);
            if (n < 0) {
                if (errno == EINTR) continue;
                return fail_errno();
            }
            if (n == 0) return fail(short_reply, 0);
            if (c_.framing == Framing::raw || buf_[static_cast<std::size_t>(n) - 1] == '\n')
                return 0;
            if (clock_type::now() >= deadline) return fail(timeout, ETIMEDOUT);
        }
    }

    int conn_op() {
        const auto deadline = clock_type::now() + std::chrono::milliseconds(c_.timeout_ms);
        if (open() < 0 || exchange(deadline) < 0) return -1;
        drop();
        return 0;
    }

    int msg_op() {
        const auto deadline = clock_type::now() + std::chrono::milliseconds(c_.timeout_ms);
        if (fd_ < 0) {
            if (open() < 0) return -1;
            const int one = 1;
            ::setsockopt(fd_, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
        }
        return exchange(deadline);
    }

    const Config &c_;
    clock_type::time_point from_, stop_;
    std::string request_;
    std::vector<char> buf_;
    int fd_ = -1;
    Err err_ = other;
    int errno_ = 0;
};

std::variant<Config, cli::Stop> parse(int argc, const char *const argv[]) {
    auto parsed = cli::tokenize(prog, argc, argv,
                                {"host", "port", "mode", "framing", "clients", "seconds", "warmup",
                                 "timeout-ms", "message", "label"});
    if (auto *stop = std::get_if<cli::Stop>(&parsed)) return *stop;
    const auto &t = std::get<cli::Tokens>(parsed);
    if (t.help) return cli::Stop{cli::exit_ok, usage};
    if (auto stop = cli::no_operands(prog, t)) return *stop;
    Config c;
    for (const auto &[name, value] : t.options) {
        auto number = [&, &name = name, &value = value](int &field, long lo, long hi) {
            return cli::set_number(prog, name, value, lo, hi, field);
        };
        std::optional<cli::Stop> stop;
        if (name == "host") {
            c.host = value;
        } else if (name == "port") {
            stop = number(c.port, 1, 65535);
        } else if (name == "clients") {
            stop = number(c.clients, 1, 1024);
        } else if (name == "seconds") {
            stop = number(c.seconds, 1, 3600);
        } else if (name == "warmup") {
            stop = number(c.warmup, 0, 3600);
        } else if (name == "timeout-ms") {
            stop = number(c.timeout_ms, 1, 600000);
        } else if (name == "message") {
            if (value.empty() || value.find('\n') != std::string::npos)
                stop = cli::bad_value(prog, name, "non-empty text without a newline", value);
            c.message = value;
        } else if (name == "label") {
            c.label = value;
        } else if (name == "mode") {
            stop = cli::set_choice(prog, name, value, {{"conn", Mode::conn}, {"msg", Mode::msg}},
                                   c.mode);
        } else if (name == "framing") {
            stop = cli::set_choice(prog, name, value, cli::framings, c.framing);
        }
        if (stop) return *stop;
    }
    if (c.port == 0)
        return cli::Stop{cli::exit_usage, cli::error_line(prog, "--port is required (try --help)")};
    auto *in4 = reinterpret_cast<sockaddr_in *>(&c.addr);
    auto *in6 = reinterpret_cast<sockaddr_in6 *>(&c.addr);
    if (inet_pton(AF_INET, c.host.c_str(), &in4->sin_addr) == 1) {
        in4->sin_family = AF_INET;
        in4->sin_port = htons(static_cast<std::uint16_t>(c.port));
        c.addr_len = sizeof *in4;
    } else if (inet_pton(AF_INET6, c.host.c_str(), &in6->sin6_addr) == 1) {
        in6->sin6_family = AF_INET6;
        in6->sin6_port = htons(static_cast<std::uint16_t>(c.port));
        c.addr_len = sizeof *in6;
    } else {
        return cli::bad_value(prog, "host", "a numeric IPv4 or IPv6 address", c.host);
    }
    if (c.label.empty()) c.label = c.host + ":" + std::to_string(c.port);
    return c;
}

std::string json_string(const std::string &s) {
    std::string out = "\"";
    for (const char ch : s) {
        if (ch == '"' || ch == '\\') {
            out += '\\';
            out += ch;
        } else if (static_cast<unsigned char>(ch) < 0x20) {
            char esc[8];
            std::snprintf(esc, sizeof esc, "\\u%04x", ch);
            out += esc;
        } else {
            out += ch;
        }
    }
    return out + "\"";
}

}  // namespace

int main(int argc, char **argv) {
    auto parsed = parse(argc, argv);
    if (auto *stop = std::get_if<cli::Stop>(&parsed)) {
        std::fputs(stop->text.c_str(), stop->exit_code == cli::exit_ok ? stdout : stderr);
        return stop->exit_code;
    }
    const Config &c = std::get<Config>(parsed);

    const auto start = clock_type::now();
    const auto from = start + std::chrono::seconds(c.warmup);
    const auto stop = from + std::chrono::seconds(c.seconds);
    std::vector<Result> results(static_cast<std::size_t>(c.clients));
    {
        std::vector<std::jthread> threads;
        for (auto &r : results)
            threads.emplace_back([&c, &r, from, stop] { Client(c, from, stop).run(r); });
    }

    std::vector<std::uint32_t> lat;
    long errors[err_count] = {};
    int first_errno = 0;
    long all_ops = 0;
    for (auto &r : results) {
        all_ops += r.all_ops;
        lat.insert(lat.end(), r.latency_ns_capped.begin(), r.latency_ns_capped.end());
        for (int e = 0; e < err_count; ++e) errors[e] += r.errors[e];
        if (first_errno == 0) first_errno = r.first_errno;
    }
    std::sort(lat.begin(), lat.end());
    auto pct = [&](double p) -> double {
        if (lat.empty()) return 0;
        const auto i = static_cast<std::size_t>(p * static_cast<double>(lat.size() - 1) + 0.5);
        return lat[i] / 1000.0;
    };
    long total_errors = 0;
    for (long e : errors) total_errors += e;
    const double ops_s = static_cast<double>(lat.size()) / c.seconds;
    const char *mode = c.mode == Mode::conn ? "conn" : "msg";
    const char *framing = c.framing == Framing::line ? "line" : "raw";

    std::printf(
        "msgbench: %s %s, %d clients, %d s: %zu ops, %.1f ops/s, latency us p50 %.1f "
        "p90 %.1f p99 %.1f max %.1f, errors %ld",
        mode, framing, c.clients, c.seconds, lat.size(), ops_s, pct(0.50), pct(0.90), pct(0.99),
        lat.empty() ? 0.0 : lat.back() / 1000.0, total_errors);
    if (total_errors > 0) {
        std::printf(" (");
        for (int e = 0; e < err_count; ++e)
            std::printf("%s%s %ld", e ? ", " : "", err_names[e], errors[e]);
        std::printf("; first: %s)", sys::errno_text(first_errno).c_str());
    }
    std::printf(
        "\n{\"label\":%s,\"mode\":\"%s\",\"framing\":\"%s\",\"clients\":%d,"
        "\"seconds\":%d,\"ops\":%zu,\"ops_per_s\":%.1f,\"p50_us\":%.1f,\"p90_us\":%.1f,"
        "\"p99_us\":%.1f,\"max_us\":%.1f,\"errors\":%ld",
        json_string(c.label).c_str(), mode, framing, c.clients, c.seconds, lat.size(), ops_s,
        pct(0.50), pct(0.90), pct(0.99), lat.empty() ? 0.0 : lat.back() / 1000.0, total_errors);
    for (int e = 0; e < err_count; ++e) std::printf(",\"%s\":%ld", err_names[e], errors[e]);
    std::printf(",\"all_ops\":%ld}\n", all_ops);
    return total_errors == 0 && !lat.empty() ? 0 : 1;
}
