// SPDX-License-Identifier: MIT
// msgclient as a real process against serverfork (and against sockets that
// misbehave): what it prints, and its exit status, in pipes and scripts.
#include <fcntl.h>
#include <netinet/in.h>
#include <poll.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <sys/wait.h>
#include <termios.h>
#include <unistd.h>

#include <gtest/gtest.h>
#include <cerrno>
#include <chrono>
#include <string>
#include <thread>
#include <utility>
#include <vector>

#include "e2e_helpers.hpp"
#include "probe/poll_until.hpp"
#include "sys/fd.hpp"

using namespace std::chrono_literals;
using probe::Process;

namespace {

std::vector<std::string> client_for(int port, std::vector<std::string> extra = {}) {
    std::vector<std::string> args{"--port", std::to_string(port)};
    args.insert(args.end(), extra.begin(), extra.end());
    args.push_back("127.0.0.1");
    return e2e::msgclient(args);
}

// A loopback socket that listens but never accepts or replies.
struct SilentListener {
    sys::OwnFd fd = fixtures::tcp_socket();
    int port = 0;
    explicit SilentListener(int backlog = 8) {
        sockaddr_in a = fixtures::loopback_address();
        socklen_t len = sizeof a;
        if (bind(fd.get(), reinterpret_cast<sockaddr *>(&a), len) == 0 &&
            listen(fd.get(), backlog) == 0 &&
            getsockname(fd.get(), reinterpret_cast<sockaddr *>(&a), &len) == 0)
            port = ntohs(a.sin_port);
    }
};

}  // namespace

TEST(ClientE2E, PipeSessionPrintsEachReplyAndNoPrompt) {
    auto server = e2e::start_server();
    Process client(client_for(server.port()),
                   Process::Input::from("hello\nHow are you\nquit\nnever sent\n"));
    EXPECT_EQ(client.exit_code(), 0) << client.err();
    EXPECT_EQ(client.out(),
              "Received: Hello, World!\nReceived: Hello, World!\nReceived: Goodbye, 127.0.0.1\n");
    EXPECT_EQ(client.err(), "");
    // Spaces are kept: the server got the whole line, not words.
    EXPECT_TRUE(server.err_contains("Message received: How are you\n"));
    EXPECT_EQ(server.err().find("never sent"), std::string::npos);
}

TEST(ClientE2E, PromptsOnlyWhenStdinIsATerminal) {
    auto server = e2e::start_server();
    Process client(client_for(server.port()), Process::Input::tty());
    ASSERT_TRUE(probe::poll_until([&] { return client.out() == "Message to send: "; }));
    ASSERT_TRUE(client.write_stdin("hello\n"));
    ASSERT_TRUE(probe::poll_until([&] {
        return client.out() == "Message to send: Received: Hello, World!\nMessage to send: ";
    })) << client.out();
    ASSERT_TRUE(client.write_stdin("quit\n"));
    EXPECT_EQ(client.exit_code(), 0) << client.err();
}

TEST(ClientE2E, EndOfInputHalfClosesAndExitsZero) {
    auto server = e2e::start_server({"--reply", "echo"});
    Process client(client_for(server.port()), Process::Input::from("one two\n\nlast"));
    EXPECT_EQ(client.exit_code(), 0) << client.err();
    EXPECT_EQ(client.out(), "Received: one two\nReceived: \nReceived: last\n");
    EXPECT_TRUE(server.out_contains("exited with status 0"));
}

TEST(ClientE2E, RawFramingTalksToARawServer) {
    auto server = e2e::start_server({"--framing", "raw"});
    Process client(client_for(server.port(), {"--framing", "raw"}),
                   Process::Input::from("hello\nquit\n"));
    EXPECT_EQ(client.exit_code(), 0) << client.err();
    EXPECT_EQ(client.out(), "Received: Hello, World!\nReceived: Goodbye, 127.0.0.1\n");
}

TEST(ClientE2E, ServerStoppedMidSessionIsOneLineAndExitOne) {
    auto server = e2e::start_server({"--grace", "0"});
    Process client(client_for(server.port()), Process::Input::piped());
    ASSERT_TRUE(client.write_stdin("hello\n"));
    ASSERT_TRUE(probe::poll_until([&] { return client.out() == "Received: Hello, World!\n"; }));
    ASSERT_EQ(server.process().signal(SIGTERM), 0);
    ASSERT_EQ(server.process().exit_code(), 0);
    client.write_stdin("anyone there?\n");
    EXPECT_EQ(client.exit_code(), 1);
    EXPECT_EQ(client.err(), "msgclient: server closed the connection\n");
}

TEST(ClientE2E, KillingOnlyTheParentLeavesTheChildServing) {
    // The worksheet's "kill the original server": its children live on.
    auto server = e2e::start_server();
    Process client(client_for(server.port()), Process::Input::piped());
    ASSERT_TRUE(client.write_stdin("hello\n"));
    ASSERT_TRUE(probe::poll_until([&] { return client.out() == "Received: Hello, World!\n"; }));
    ASSERT_EQ(server.process().signal(SIGKILL), 0);
    ASSERT_TRUE(server.process().wait(10s));
    ASSERT_TRUE(client.write_stdin("still served?\nquit\n"));
    EXPECT_EQ(client.exit_code(), 0) << client.err();
    EXPECT_EQ(client.out(),
              "Received: Hello, World!\nReceived: Hello, World!\nReceived: Goodbye, 127.0.0.1\n");
}

TEST(ClientE2E, RefusedConnectionNamesHostPortAndReason) {
    int port = 0;
    {
        SilentListener gone;  // a port known to be free once closed
        port = gone.port;
    }
    Process client(client_for(port), Process::Input::from("hello\n"));
    EXPECT_EQ(client.exit_code(), 1);
    EXPECT_EQ(client.err(), "msgclient: cannot connect to 127.0.0.1:" + std::to_string(port) +
                                ": ECONNREFUSED (Connection refused)\n");
}

TEST(ClientE2E, NoReplyWithinTimeoutIsOneLineAndExitOne) {
    SilentListener silent;
    ASSERT_NE(silent.port, 0);
    const auto start = std::chrono::steady_clock::now();
    Process client(client_for(silent.port, {"--timeout", "1"}), Process::Input::from("hello\n"));
    EXPECT_EQ(client.exit_code(15s), 1);
    EXPECT_LT(std::chrono::steady_clock::now() - start, 10s);
    EXPECT_EQ(client.err(), "msgclient: no reply from 127.0.0.1:" + std::to_string(silent.port) +
                                " within 1 s\n");
}

namespace {

// Nonblocking connects to port until one does not complete: the accept queue
// is then full and the kernel drops further SYNs. Bounded in count and time.
bool fill_accept_queue(int port, std::vector<sys::OwnFd> &held) {
    for (int i = 0; i < 8; ++i) {
        sys::OwnFd fd = fixtures::tcp_socket(SOCK_NONBLOCK);
        if (fixtures::connect_loopback(fd, port) < 0 && errno != EINPROGRESS) return false;
        pollfd p{fd.get(), POLLOUT, 0};
        const bool connected = poll(&p, 1, 300) == 1;
        held.push_back(std::move(fd));
        if (!connected) return true;
    }
    return false;
}

}  // namespace

// A server whose accept queue is full never answers the SYN: msgclient gives
// up at --timeout with one line, instead of hanging on the kernel's retries.
TEST(ClientE2E, ConnectThatNeverCompletesTimesOutWithOneLine) {
    SilentListener full(0);
    ASSERT_NE(full.port, 0);
    std::vector<sys::OwnFd> held;
    ASSERT_TRUE(fill_accept_queue(full.port, held)) << "the accept queue never filled";
    const auto start = std::chrono::steady_clock::now();
    Process client(client_for(full.port, {"--timeout", "1"}), Process::Input::from("hello\n"));
    EXPECT_EQ(client.exit_code(15s), 1);
    EXPECT_LT(std::chrono::steady_clock::now() - start, 10s);
    EXPECT_EQ(client.err(), "msgclient: cannot connect to 127.0.0.1:" + std::to_string(full.port) +
                                ": ETIMEDOUT (Connection timed out)\n");
    EXPECT_EQ(client.out(), "");
}

// A server that answers with one endless line: msgclient stops at its reply
// limit (2 MiB) with one line, rather than buffer without bound.
TEST(ClientE2E, EndlessReplyIsOneLineAndExitOne) {
    SilentListener flood;
    ASSERT_NE(flood.port, 0);
    Process client(client_for(flood.port, {"--timeout", "5"}), Process::Input::from("hello\n"));
    pollfd p{flood.fd.get(), POLLIN, 0};
    ASSERT_EQ(poll(&p, 1, 10000), 1) << "msgclient did not connect";
    sys::OwnFd conn(accept4(flood.fd.get(), nullptr, nullptr, SOCK_CLOEXEC));
    ASSERT_TRUE(conn.valid());
    const timeval bound{10, 0};  // a client that stops reading cannot hang the test
    setsockopt(conn.get(), SOL_SOCKET, SO_SNDTIMEO, &bound, sizeof bound);
    const std::string chunk(64 * 1024, 'x');
    std::size_t sent = 0;
    while (sent < std::size_t{4} << 20) {
        const ssize_t n = send(conn.get(), chunk.data(), chunk.size(), MSG_NOSIGNAL);
        if (n <= 0) break;  // msgclient closed: it gave up, as it should
        sent += static_cast<std::size_t>(n);
    }
    EXPECT_EQ(client.exit_code(15s), 1);
    EXPECT_EQ(client.err(),
              "msgclient: reply from 127.0.0.1:" + std::to_string(flood.port) + " is too long\n");
    EXPECT_EQ(client.out(), "");
    EXPECT_GT(sent, std::size_t{2} << 20) << "msgclient gave up before the limit";
}

// After the end of its input msgclient half-closes and still prints what the
// server sends until it closes (a server that says goodbye on EOF).
TEST(ClientE2E, RepliesAfterEndOfInputArePrinted) {
    SilentListener late;
    ASSERT_NE(late.port, 0);
    Process client(client_for(late.port), Process::Input::from(""));
    pollfd p{late.fd.get(), POLLIN, 0};
    ASSERT_EQ(poll(&p, 1, 10000), 1) << "msgclient did not connect";
    sys::OwnFd conn(accept4(late.fd.get(), nullptr, nullptr, SOCK_CLOEXEC));
    ASSERT_TRUE(conn.valid());
    const timeval bound{10, 0};
    setsockopt(conn.get(), SOL_SOCKET, SO_RCVTIMEO, &bound, sizeof bound);
    char c;
    EXPECT_EQ(recv(conn.get(), &c, 1, 0), 0) << "no half-close at the end of input";
    const std::string bye = "bye for now\nand one more\n";
    EXPECT_EQ(send(conn.get(), bye.data(), bye.size(), MSG_NOSIGNAL),
              static_cast<ssize_t>(bye.size()));
    conn.reset();
    EXPECT_EQ(client.exit_code(), 0) << client.err();
    EXPECT_EQ(client.out(), "Received: bye for now\nReceived: and one more\n");
    EXPECT_EQ(client.err(), "");
}

TEST(ClientE2E, BadCommandLineIsOneLineAndExitTwo) {
    for (const auto &args :
         std::vector<std::vector<std::string>>{{},
                                               {"--port", "0", "localhost"},
                                               {"--framing", "words", "localhost"},
                                               {"a", "b"},
                                               {"--what", "localhost"}}) {
        Process p(e2e::msgclient(args));
        EXPECT_EQ(p.exit_code(), 2);
        EXPECT_EQ(e2e::count(p.err(), "\n"), 1u) << p.err();
        EXPECT_EQ(p.err().rfind("msgclient: ", 0), 0u) << p.err();
    }
    Process help(e2e::msgclient({"--help"}));
    EXPECT_EQ(help.exit_code(), 0);
    EXPECT_NE(help.out().find("--timeout"), std::string::npos);
}

namespace {

// A one-connection server in a thread of the test: accepts msgclient, then
// runs serve on the connection (bounded by its own deadlines).
template <class Serve>
struct OneShotServer {
    SilentListener listener;
    std::thread thread;
    explicit OneShotServer(Serve serve)
        : thread([this, serve] {
              pollfd p{listener.fd.get(), POLLIN, 0};
              if (poll(&p, 1, 10000) != 1) return;
              sys::OwnFd conn(accept4(listener.fd.get(), nullptr, nullptr, SOCK_CLOEXEC));
              if (conn.valid()) serve(conn.get());
          }) {}
    ~OneShotServer() { thread.join(); }
};

// msgclient with its stdout on a terminal (a pty in raw mode, so that the
// bytes come out as written) and stdin empty: what it printed, and its
// exit code (-1 if it did not end within 10 s; it is killed then).
std::pair<std::string, int> run_on_a_terminal(const std::vector<std::string> &argv) {
    const sys::OwnFd master(posix_openpt(O_RDWR | O_NOCTTY | O_CLOEXEC));
    if (!master.valid() || grantpt(master.get()) < 0 || unlockpt(master.get()) < 0)
        return {"no pty", -1};
    sys::OwnFd slave(open(ptsname(master.get()), O_RDWR | O_NOCTTY | O_CLOEXEC));
    termios t{};
    tcgetattr(slave.get(), &t);
    cfmakeraw(&t);
    tcsetattr(slave.get(), TCSANOW, &t);
    std::vector<char *> args;
    for (const auto &a : argv) args.push_back(const_cast<char *>(a.c_str()));
    args.push_back(nullptr);
    const pid_t pid = fork();
    if (pid == 0) {
        const int null = open("/dev/null", O_RDONLY);
        dup2(null, 0);
        dup2(slave.get(), 1);
        execv(args[0], args.data());
        _exit(127);
    }
    slave.reset();
    std::string out;
    const auto give_up = std::chrono::steady_clock::now() + 10s;
    int status = 0;
    bool ended = false;
    while (std::chrono::steady_clock::now() < give_up) {
        pollfd p{master.get(), POLLIN, 0};
        if (poll(&p, 1, 50) == 1) {
            char buf[4096];
            const ssize_t n = read(master.get(), buf, sizeof buf);
            if (n > 0) out.append(buf, static_cast<std::size_t>(n));
            if (n > 0) continue;
        }
        if (waitpid(pid, &status, WNOHANG) == pid) {
            ended = true;
            break;
        }
    }
    if (!ended) {
        kill(pid, SIGKILL);
        waitpid(pid, &status, 0);
    }
    return {out, ended && WIFEXITED(status) ? WEXITSTATUS(status) : -1};
}

// Answers the client's half-close with a reply holding terminal controls.
void reply_with_controls(int fd) {
    char c;
    pollfd p{fd, POLLIN, 0};
    if (poll(&p, 1, 10000) == 1) (void)recv(fd, &c, 1, 0);
    const std::string reply = "\x1b[2J\x1b]0;owned\x07tab\there\n";
    (void)send(fd, reply.data(), reply.size(), MSG_NOSIGNAL);
}

}  // namespace

// A server's control bytes would drive the user's terminal (clear it, set
// its title): on a terminal msgclient shows them escaped, as the server's
// log does; in a pipe, or with --raw, replies are verbatim.
TEST(ClientE2E, RepliesAreEscapedOnATerminalAndVerbatimElsewhere) {
    {
        OneShotServer server(reply_with_controls);
        const auto [out, code] = run_on_a_terminal(client_for(server.listener.port));
        EXPECT_EQ(code, 0);
        EXPECT_EQ(out, "Received: \\x1b[2J\\x1b]0;owned\\x07tab\\there\n");
    }
    {
        OneShotServer server(reply_with_controls);
        const auto [out, code] = run_on_a_terminal(client_for(server.listener.port, {"--raw"}));
        EXPECT_EQ(code, 0);
        EXPECT_EQ(out, "Received: \x1b[2J\x1b]0;owned\x07tab\there\n");
    }
    {
        OneShotServer server(reply_with_controls);
        Process client(client_for(server.listener.port), Process::Input::from(""));
        EXPECT_EQ(client.exit_code(), 0) << client.err();
        EXPECT_EQ(client.out(), "Received: \x1b[2J\x1b]0;owned\x07tab\there\n");
    }
}

// After its input ends msgclient waits --timeout in all for the server to
// finish, not for ever: a server that keeps sending lines is left.
TEST(ClientE2E, AServerThatKeepsSendingAfterTheEndOfInputIsLeftAtTheTimeout) {
    OneShotServer server([](int fd) {
        std::string chunk;
        for (int i = 0; i < 1024; ++i) chunk += "flood\n";
        const auto give_up = std::chrono::steady_clock::now() + 20s;
        while (std::chrono::steady_clock::now() < give_up) {
            pollfd p{fd, POLLOUT, 0};
            if (poll(&p, 1, 100) != 1) continue;
            if (send(fd, chunk.data(), chunk.size(), MSG_NOSIGNAL | MSG_DONTWAIT) < 0 &&
                errno != EAGAIN)
                return;  // msgclient left
        }
    });
    const auto start = std::chrono::steady_clock::now();
    Process client(client_for(server.listener.port, {"--timeout", "1"}), Process::Input::from(""));
    EXPECT_EQ(client.exit_code(15s), 1);
    EXPECT_LT(std::chrono::steady_clock::now() - start, 10s);
    EXPECT_EQ(client.err(), "msgclient: no reply from 127.0.0.1:" +
                                std::to_string(server.listener.port) + " within 1 s\n");
}

// A reply line that the server's close cuts before its newline is not taken
// for a reply: it is reported, exit 1.
TEST(ClientE2E, AReplyCutShortByTheServersCloseIsReported) {
    OneShotServer server([](int fd) {
        char buf[64];
        pollfd p{fd, POLLIN, 0};
        if (poll(&p, 1, 10000) == 1) (void)recv(fd, buf, sizeof buf, 0);
        (void)send(fd, "Hello, Wor", 10, MSG_NOSIGNAL);
    });
    Process client(client_for(server.listener.port), Process::Input::from("hello\n"));
    EXPECT_EQ(client.exit_code(), 1);
    EXPECT_EQ(client.err(), "msgclient: reply cut short\n");
    EXPECT_EQ(client.out(), "");
}
