// SPDX-License-Identifier: MIT
// serverfork as a real process on loopback: the protocol, the forking and
// reaping, the limits and the shutdown, as a user of the server sees them.
#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <poll.h>
#include <signal.h>
#include <sys/socket.h>

#include <gtest/gtest.h>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <iterator>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "e2e_helpers.hpp"
#include "fixtures/fiu_run.hpp"
#include "probe/poll_until.hpp"
#include "probe/test_client.hpp"
#include "sys/fd.hpp"

using namespace std::chrono_literals;
using probe::TestClient;

TEST(ServerE2E, RepliesHelloToEveryLineAndLogsIt) {
    auto server = e2e::start_server();
    TestClient c(server.port());
    ASSERT_TRUE(c.send("hello\nHow are you\n"));
    EXPECT_EQ(c.read_line(), "Hello, World!");
    EXPECT_EQ(c.read_line(), "Hello, World!");
    EXPECT_TRUE(server.err_contains("Message received: How are you\n"));
    EXPECT_TRUE(server.out_contains("Server: got connection from 127.0.0.1:" +
                                    std::to_string(c.local_port())));
}

TEST(ServerE2E, EchoModeRepliesTheMessageBytesVerbatim) {
    auto server = e2e::start_server({"--reply", "echo"});
    TestClient c(server.port());
    const std::string binary("a\0b\xff\xfe z", 7);
    ASSERT_TRUE(c.send("How are you\n" + binary + "\n\n"));
    EXPECT_EQ(c.read_line(), "How are you");
    EXPECT_EQ(c.read_line(), binary);
    EXPECT_EQ(c.read_line(), "");  // an empty line is a message too
    // The log escapes what is not printable.
    EXPECT_TRUE(server.err_contains("Message received: a\\x00b\\xff\\xfe z\n"));
}

TEST(ServerE2E, QuitWithCrlfGetsGoodbyeThenEndOfStream) {
    auto server = e2e::start_server();
    TestClient c(server.port());
    ASSERT_TRUE(c.send("quit\r\n"));
    EXPECT_EQ(c.read_line(), "Goodbye, 127.0.0.1");
    EXPECT_TRUE(c.closed_by_server());
    EXPECT_TRUE(server.out_contains("exited with status 0"));
}

TEST(ServerE2E, LongLineGetsOneErrorAndTheConnectionStaysUsable) {
    auto server = e2e::start_server({"--max-message", "20"});
    TestClient c(server.port());
    ASSERT_TRUE(c.send(std::string(20, 'x') + "\n" + std::string(21, 'y') + "\n" +
                       std::string(5000, 'z') + "\nhi\n"));
    EXPECT_EQ(c.read_line(), "Hello, World!");
    EXPECT_EQ(c.read_line(), "Error: message too long (max 20 bytes)");
    EXPECT_EQ(c.read_line(), "Error: message too long (max 20 bytes)");
    EXPECT_EQ(c.read_line(), "Hello, World!");
    EXPECT_FALSE(c.read_line(200ms)) << "nothing else is sent";
}

TEST(ServerE2E, SplitAndCoalescedSendsGiveOneReplyPerLine) {
    auto server = e2e::start_server({"--reply", "echo"});
    TestClient c(server.port());
    ASSERT_TRUE(c.send("a\nb\nc\n"));
    EXPECT_EQ(c.read_line(), "a");
    EXPECT_EQ(c.read_line(), "b");
    EXPECT_EQ(c.read_line(), "c");
    for (char ch : std::string("split\r\n")) ASSERT_TRUE(c.send(std::string(1, ch)));
    EXPECT_EQ(c.read_line(), "split");
}

TEST(ServerE2E, UnterminatedLastLineIsAnsweredAtEndOfInput) {
    auto server = e2e::start_server({"--reply", "echo"});
    TestClient c(server.port());
    ASSERT_TRUE(c.send("first\nlast"));
    c.shutdown_write();
    EXPECT_EQ(c.read_line(), "first");
    EXPECT_EQ(c.read_line(), "last");
    EXPECT_TRUE(c.closed_by_server());
    EXPECT_TRUE(server.out_contains("exited with status 0"));
}

TEST(ServerE2E, ThirdClientIsServedAtOnceWhileAnotherStaysConnected) {
    auto server = e2e::start_server();
    TestClient one(server.port()), two(server.port());
    ASSERT_TRUE(one.send("hi\n") && two.send("hi\n"));
    ASSERT_EQ(one.read_line(), "Hello, World!");
    ASSERT_EQ(two.read_line(), "Hello, World!");
    ASSERT_TRUE(one.send("quit\n"));
    EXPECT_EQ(one.read_line(), "Goodbye, 127.0.0.1");
    TestClient three(server.port());
    ASSERT_TRUE(three.send("hi\n"));
    EXPECT_EQ(three.read_line(2s), "Hello, World!");
    ASSERT_TRUE(two.send("still there\n"));
    EXPECT_EQ(two.read_line(), "Hello, World!");
}

TEST(ServerE2E, NoZombieOrLeakedFdOnceAllClientsAreGone) {
    auto server = e2e::start_server();
    const int baseline = probe::open_fd_count(server.pid());
    {
        TestClient quits(server.port()), closes(server.port()), resets(server.port()),
            half(server.port());
        ASSERT_TRUE(quits.send("quit\n"));
        ASSERT_TRUE(closes.send("bye\n"));
        ASSERT_TRUE(resets.send("x\n"));
        ASSERT_TRUE(half.send("y"));
        EXPECT_TRUE(quits.read_line());
        EXPECT_TRUE(closes.read_line());
        EXPECT_TRUE(resets.read_line());
        ASSERT_TRUE(probe::poll_until([&] { return server.children().size() == 4; }));
        for (const auto &child : server.children())
            EXPECT_FALSE(probe::holds_listening_socket(child.pid))
                << "child " << child.pid << " kept the listener";
        half.shutdown_write();
        EXPECT_TRUE(half.read_line());
        resets.reset();
    }
    EXPECT_TRUE(server.childless_within(10s)) << "children left: " << server.children().size();
    EXPECT_TRUE(probe::poll_until([&] { return probe::open_fd_count(server.pid()) == baseline; }))
        << "parent fds " << probe::open_fd_count(server.pid()) << " vs " << baseline;
    EXPECT_EQ(e2e::count(server.out(), "Server: child "), 4u);
}

TEST(ServerE2E, ProcessesNameThemselvesForPs) {
    auto server = e2e::start_server();
    EXPECT_EQ(probe::cmdline(server.pid()),
              "serverfork: listening on 127.0.0.1:" + std::to_string(server.port()));
    TestClient c(server.port());
    ASSERT_TRUE(c.send("hi\n"));
    ASSERT_TRUE(c.read_line());
    const auto kids = server.children();
    ASSERT_EQ(kids.size(), 1u);
    EXPECT_EQ(probe::cmdline(kids[0].pid),
              "serverfork: child for 127.0.0.1:" + std::to_string(c.local_port()));
}

TEST(ServerE2E, SigtermRefusesNewClientsAndLetsConnectedOnesFinish) {
    auto server = e2e::start_server({"--grace", "30"});
    TestClient c(server.port());
    ASSERT_TRUE(c.send("before\n"));
    ASSERT_EQ(c.read_line(), "Hello, World!");
    ASSERT_EQ(server.process().signal(SIGTERM), 0);
    ASSERT_TRUE(server.out_contains("SIGTERM received"));
    EXPECT_THROW(TestClient late(server.port()), std::runtime_error);
    ASSERT_TRUE(c.send("during grace\n"));
    EXPECT_EQ(c.read_line(), "Hello, World!");
    ASSERT_TRUE(c.send("quit\n"));
    EXPECT_EQ(c.read_line(), "Goodbye, 127.0.0.1");
    EXPECT_EQ(server.process().exit_code(10s), 0) << server.err();
    EXPECT_TRUE(server.children().empty());
    EXPECT_TRUE(server.out_contains("Server: stopped"));
}

namespace {

// sig sent to the server's whole process group, as a terminal sends it: the
// parent logs it and stops accepting; the children, which ignore it, keep
// serving through the grace period; then the server stops cleanly.
void group_signal_gives_children_their_grace(int sig) {
    auto server = e2e::start_server({"--grace", "30"});
    TestClient c(server.port());
    ASSERT_TRUE(c.send("before\n"));
    ASSERT_EQ(c.read_line(), "Hello, World!");
    ASSERT_EQ(::kill(-server.pid(), sig), 0);
    ASSERT_TRUE(server.out_contains(std::string("Server: SIG") + sigabbrev_np(sig) +
                                    " received, not accepting"))
        << server.out();
    ASSERT_TRUE(c.send("during grace\n"));
    EXPECT_EQ(c.read_line(), "Hello, World!");
    ASSERT_TRUE(c.send("quit\n"));
    EXPECT_EQ(c.read_line(), "Goodbye, 127.0.0.1");
    EXPECT_EQ(server.process().exit_code(10s), 0) << server.err();
    EXPECT_TRUE(server.out_contains("exited with status 0"));
    EXPECT_TRUE(server.out_contains("Server: stopped"));
}

}  // namespace

// A terminal's Ctrl-C sends SIGINT to every process of the group.
TEST(ServerE2E, CtrlCToTheWholeGroupStillGivesChildrenTheirGrace) {
    group_signal_gives_children_their_grace(SIGINT);
}

TEST(ServerE2E, GracePeriodOverTerminatesRemainingChildren) {
    auto server = e2e::start_server({"--grace", "1"});
    TestClient c(server.port());
    ASSERT_TRUE(c.send("hi\n"));
    ASSERT_TRUE(c.read_line());
    ASSERT_EQ(server.process().signal(SIGINT), 0);
    EXPECT_EQ(server.process().exit_code(15s), 0) << server.err();
    EXPECT_TRUE(c.closed_by_server());
    EXPECT_TRUE(server.out_contains("sending SIGTERM to 1 children"));
    EXPECT_TRUE(server.out_contains("killed by signal 15"));
    EXPECT_TRUE(server.children().empty());
}

TEST(ServerE2E, AddressInUseIsOneLineAndExitOne) {
    auto first = e2e::start_server();
    probe::Process second(
        e2e::serverfork({"--bind", "127.0.0.1", "--port", std::to_string(first.port())}));
    EXPECT_EQ(second.exit_code(), 1);
    const std::string err = second.err();
    EXPECT_EQ(e2e::count(err, "\n"), 1u) << err;
    EXPECT_NE(err.find("serverfork: bind 127.0.0.1:" + std::to_string(first.port())),
              std::string::npos)
        << err;
    EXPECT_NE(err.find("Address already in use"), std::string::npos) << err;
}

TEST(ServerE2E, BadCommandLineIsOneLineAndExitTwo) {
    for (const auto &args : std::vector<std::vector<std::string>>{{"--port", "70000"},
                                                                  {"--bogus"},
                                                                  {"--bind", "nowhere"},
                                                                  {"--max-children", "0"},
                                                                  {"--reply"},
                                                                  {"stray"}}) {
        probe::Process p(e2e::serverfork(args));
        EXPECT_EQ(p.exit_code(), 2) << args[0];
        EXPECT_EQ(e2e::count(p.err(), "\n"), 1u) << p.err();
        EXPECT_EQ(p.err().rfind("serverfork: ", 0), 0u) << p.err();
    }
    probe::Process help(e2e::serverfork({"--help"}));
    EXPECT_EQ(help.exit_code(), 0);
    EXPECT_NE(help.out().find("--max-children"), std::string::npos);
    EXPECT_NE(help.out().find("Exit status"), std::string::npos);
}

TEST(ServerE2E, MaxChildrenKeepsNewClientsWaitingInTheBacklog) {
    auto server = e2e::start_server({"--max-children", "1"});
    TestClient first(server.port());
    ASSERT_TRUE(first.send("one\n"));
    ASSERT_EQ(first.read_line(), "Hello, World!");
    TestClient second(server.port());  // completes in the kernel's backlog
    ASSERT_TRUE(second.send("two\n"));
    EXPECT_FALSE(second.read_line(300ms)) << "served beyond --max-children";
    EXPECT_EQ(server.children().size(), 1u);
    ASSERT_TRUE(first.send("quit\n"));
    EXPECT_TRUE(first.read_line());
    EXPECT_EQ(second.read_line(), "Hello, World!");
}

TEST(ServerE2E, IdleTimeoutClosesSilentAndDribblingClients) {
    auto server = e2e::start_server({"--idle-timeout", "1"});
    TestClient silent(server.port()), dribbling(server.port());
    const auto start = std::chrono::steady_clock::now();
    ASSERT_TRUE(dribbling.send("a line that never"));
    EXPECT_TRUE(silent.closed_by_server(10s));
    EXPECT_TRUE(dribbling.closed_by_server(10s));
    EXPECT_GE(std::chrono::steady_clock::now() - start, 900ms);
    EXPECT_TRUE(server.err_contains("no message for 1 s"));
    EXPECT_TRUE(server.childless_within());
}

// SIGALRM is a child's idle timer. One sent from outside (kill -ALRM) ends
// neither the parent, which sets no timer, nor a child, which only looks at
// its deadlines and waits on.
TEST(ServerE2E, AStraySigalrmEndsNeitherTheParentNorAChild) {
    auto server = e2e::start_server();
    TestClient c(server.port());
    ASSERT_TRUE(c.send("hi\n"));
    ASSERT_EQ(c.read_line(), "Hello, World!");
    const auto kids = server.children();
    ASSERT_EQ(kids.size(), 1u);
    ASSERT_EQ(::kill(kids[0].pid, SIGALRM), 0);
    ASSERT_EQ(server.process().signal(SIGALRM), 0);
    ASSERT_TRUE(c.send("still\n"));
    EXPECT_EQ(c.read_line(), "Hello, World!");
    TestClient next(server.port());
    ASSERT_TRUE(next.send("new\n"));
    EXPECT_EQ(next.read_line(), "Hello, World!");
    EXPECT_TRUE(server.process().running());
    EXPECT_FALSE(server.out_contains("killed by signal", 0ms)) << server.out();
    EXPECT_EQ(server.err().find("closing"), std::string::npos) << server.err();
}

// A client that sends and never reads fills the socket both ways: the child's
// reply cannot be sent, and it gives up at --idle-timeout, logged, instead of
// blocking for ever; the parent serves on.
TEST(ServerE2E, AClientThatNeverReadsIsDroppedAtTheIdleTimeout) {
    // Echoed lines of 1000 bytes: the server's send buffer (autotuned to
    // megabytes) fills after thousands of replies, not hundreds of thousands,
    // so that even under valgrind the child is soon stuck on a reply.
    auto server = e2e::start_server({"--idle-timeout", "1", "--log-level", "errors", "--reply",
                                     "echo", "--max-message", "1000"});
    const sys::OwnFd fd = fixtures::tcp_socket();
    const int small = 4096;
    ::setsockopt(fd.get(), SOL_SOCKET, SO_RCVBUF, &small, sizeof small);
    ASSERT_EQ(fixtures::connect_loopback(fd, server.port()), 0);
    ::fcntl(fd.get(), F_SETFL, O_NONBLOCK);
    std::string lines;
    for (int i = 0; i < 8; ++i) lines += std::string(999, 'x') + "\n";  // a reply each
    const auto give_up = std::chrono::steady_clock::now() + 10s;
    while (std::chrono::steady_clock::now() < give_up) {
        if (::send(fd.get(), lines.data(), lines.size(), MSG_NOSIGNAL) >= 0) continue;
        if (errno != EAGAIN) break;  // reset: the child gave up and closed
        pollfd p{fd.get(), POLLOUT, 0};
        ::poll(&p, 1, 10);
    }
    EXPECT_TRUE(
        probe::poll_until([&] { return server.err_contains("send failed: ETIMEDOUT"); }, 10s))
        << server.err();
    EXPECT_TRUE(server.out_contains("exited with status 1"));
    TestClient next(server.port());
    ASSERT_TRUE(next.send("hello\n"));
    EXPECT_EQ(next.read_line(), "hello");  // echoed
}

TEST(ServerE2E, RawFramingTakesEachReceiveAsOneMessage) {
    auto server = e2e::start_server({"--framing", "raw", "--max-message", "20"});
    TestClient c(server.port());
    ASSERT_TRUE(c.send("hello"));
    EXPECT_EQ(c.read_line(), "Hello, World!");
    // Longer than the buffer: one reply per recv() of 20 bytes, as the
    // worksheet's MAXDATASIZE experiment shows.
    ASSERT_TRUE(c.send(std::string(45, 'x')));
    EXPECT_EQ(c.read_line(), "Hello, World!");
    EXPECT_EQ(c.read_line(), "Hello, World!");
    EXPECT_EQ(c.read_line(), "Hello, World!");
    ASSERT_TRUE(c.send("quit\r\n"));
    EXPECT_EQ(c.read_line(), "Goodbye, 127.0.0.1");
    EXPECT_TRUE(c.closed_by_server());
}

TEST(ServerE2E, DualStackBindServesIpv4AndIpv6) {
    probe::ServerProcess server(e2e::serverfork({"--port", "0", "--bind", "::"}));
    TestClient v4(server.port(), "127.0.0.1");
    ASSERT_TRUE(v4.send("quit\n"));
    EXPECT_EQ(v4.read_line(), "Goodbye, 127.0.0.1");
    try {
        TestClient v6(server.port(), "::1");
        ASSERT_TRUE(v6.send("quit\n"));
        EXPECT_EQ(v6.read_line(), "Goodbye, ::1");
    } catch (const std::runtime_error &e) {
        GTEST_SKIP() << "no IPv6 loopback here: " << e.what();
    }
}

TEST(ServerE2E, ForkFailureRepliesBusyAndKeepsServing) {
    // One fork fails (libfiu through fiu-run, no rebuild); the next succeeds.
    probe::ServerProcess server(fixtures::under_fiu_run(
        e2e::serverfork_on_loopback(), "enable name=sys/proc/fork,failinfo=11,onetime"));
    TestClient refused(server.port());
    EXPECT_EQ(refused.read_line(), "Error: server busy");
    EXPECT_TRUE(refused.closed_by_server());
    EXPECT_TRUE(server.err_contains("serverfork: fork failed: EAGAIN"));
    TestClient served(server.port());
    ASSERT_TRUE(served.send("hi\n"));
    EXPECT_EQ(served.read_line(), "Hello, World!");
}

namespace {

// serverfork with its stderr through a pipe (read by cat into the captured
// stderr), as under a supervisor or `2>&1 | logger`: a write to a pipe is
// atomic only up to PIPE_BUF bytes.
probe::ServerProcess start_server_logging_to_a_pipe(std::vector<std::string> options) {
    std::vector<std::string> argv{"/bin/sh", "-c",
                                  R"(exec 3>&1; "$0" "$@" 2>&1 >&3 3>&- | cat >&2)"};
    for (std::string &a : e2e::serverfork_on_loopback(std::move(options)))
        argv.push_back(std::move(a));
    return probe::ServerProcess(std::move(argv));
}

// What the log shows of a message of n bytes, each escaped to e: all of it,
// or as much as fits with the marker of its length.
bool shows_message(std::string_view shown, std::string_view e, std::size_t n) {
    const std::string marker = "… (" + std::to_string(n) + " bytes)";
    if (shown.ends_with(marker)) {
        shown.remove_suffix(marker.size());
        if (shown.size() >= n * e.size()) return false;  // it was not cut
    } else if (shown.size() != n * e.size()) {
        return false;
    }
    if (shown.size() % e.size() != 0) return false;
    for (std::size_t i = 0; i < shown.size(); i += e.size())
        if (shown.substr(i, e.size()) != e) return false;
    return true;
}

}  // namespace

// Long messages, text and binary (each byte escaped to four), from clients
// at once: every log line, newline included, is at most PIPE_BUF bytes, so
// no two lines interleave in a pipe and no client can forge a line.
TEST(ServerE2E, LongMessagesFromConcurrentClientsLogOnlyWholeShortLines) {
    auto server = start_server_logging_to_a_pipe({"--max-message", "200000"});
    constexpr int clients = 4, rounds = 3;
    const std::vector<std::size_t> sizes{100000, 4078, 1020, 30000};
    std::vector<std::unique_ptr<TestClient>> cs;
    for (int i = 0; i < clients; ++i) cs.push_back(std::make_unique<TestClient>(server.port()));
    auto text_of = [](int i) { return static_cast<char>('a' + i); };
    auto binary_of = [](int i) { return static_cast<char>(0x01 + i); };
    for (int r = 0; r < rounds; ++r)
        for (int i = 0; i < clients; ++i)
            for (const std::size_t n : sizes)
                ASSERT_TRUE(cs[i]->send(std::string(n, text_of(i)) + "\n" +
                                        std::string(n, binary_of(i)) + "\n"));
    for (auto &c : cs)
        for (std::size_t k = 0; k < rounds * sizes.size() * 2; ++k)
            ASSERT_EQ(c->read_line(), "Hello, World!");
    const std::size_t expected = clients * rounds * sizes.size() * 2;
    ASSERT_TRUE(probe::poll_until([&] { return e2e::count(server.err(), "\n") >= expected; }, 10s))
        << e2e::count(server.err(), "\n") << " lines";
    const std::string err = server.err();
    std::size_t lines = 0;
    for (std::size_t at = 0; at < err.size(); ++lines) {
        const std::size_t nl = err.find('\n', at);
        ASSERT_NE(nl, std::string::npos) << "an unterminated last line";
        const std::string_view line = std::string_view(err).substr(at, nl - at);
        at = nl + 1;
        EXPECT_LE(line.size() + 1, std::size_t{4096}) << line.substr(0, 80);
        ASSERT_TRUE(line.starts_with("Message received: ")) << line.substr(0, 80);
        const std::string_view shown = line.substr(18);
        bool known = false;
        for (int i = 0; i < clients && !known; ++i) {
            char hex[8];
            std::snprintf(hex, sizeof hex, "\\x%02x", binary_of(i));
            for (const std::size_t n : sizes)
                known = known || shows_message(shown, std::string(1, text_of(i)), n) ||
                        shows_message(shown, hex, n);
        }
        EXPECT_TRUE(known) << "a forged or mangled line: " << line.substr(0, 80) << "...";
    }
    EXPECT_EQ(lines, expected);
}

// A terminal's hang-up (or `kill -HUP`) stops the server as SIGTERM does,
// logged, and children, which ignore it, get their grace period.
TEST(ServerE2E, SighupToTheWholeGroupShutsDownGracefully) {
    group_signal_gives_children_their_grace(SIGHUP);
}

// Clients that wait their turn at --max-children one after another are one
// stay at the limit: one line when it is reached, one when, below it, no
// client is left waiting; not a line per child that takes the free place.
TEST(ServerE2E, TheMaxChildrenLimitIsLoggedOnceOnReachingAndOnceOnLeaving) {
    auto server = e2e::start_server({"--max-children", "1"});
    std::vector<std::unique_ptr<TestClient>> cs;
    for (int i = 0; i < 3; ++i) {
        cs.push_back(std::make_unique<TestClient>(server.port()));
        ASSERT_TRUE(cs.back()->send("hi\nquit\n"));
    }
    for (auto &c : cs) {
        EXPECT_EQ(c->read_line(), "Hello, World!");
        EXPECT_EQ(c->read_line(), "Goodbye, 127.0.0.1");
    }
    const std::string left = "Server: below the --max-children limit again, no client waiting";
    ASSERT_TRUE(server.out_contains(left)) << server.out();
    EXPECT_TRUE(server.childless_within());
    const std::string out = server.out();
    EXPECT_EQ(e2e::count(out, "children, the --max-children limit; new clients wait"), 1u) << out;
    EXPECT_EQ(e2e::count(out, left), 1u) << out;
    EXPECT_LT(out.find("the --max-children limit; new clients wait"), out.find(left));
    EXPECT_NE(out.find(" s at it\n"), std::string::npos) << out;
}

TEST(ServerE2E, TheMaxChildrenLimitIsNotLoggedAtLogLevelErrors) {
    auto server = e2e::start_server({"--max-children", "1", "--log-level", "errors"});
    TestClient first(server.port()), second(server.port());
    ASSERT_TRUE(first.send("hi\n"));
    ASSERT_TRUE(second.send("hi\n"));
    EXPECT_EQ(first.read_line(), "Hello, World!");
    EXPECT_FALSE(second.read_line(300ms)) << "served beyond --max-children";
    first.close();
    EXPECT_EQ(second.read_line(), "Hello, World!");
    second.close();
    EXPECT_TRUE(server.childless_within());
    EXPECT_EQ(server.out().find("limit"), std::string::npos) << server.out();
}

// The listen() backlog is the system's cap unless asked for (and then at
// most that cap), shown on the line after the listening line, which scripts
// parse up to the port's end.
TEST(ServerE2E, TheBacklogIsSomaxconnByDefaultAndPrintedAfterTheListeningLine) {
    int somaxconn = SOMAXCONN;
    if (std::ifstream in("/proc/sys/net/core/somaxconn"); !(in >> somaxconn)) somaxconn = SOMAXCONN;
    auto server = e2e::start_server();
    const std::string port = std::to_string(server.port());
    const std::string first = "Server: listening on 127.0.0.1:" + port + "\n";
    ASSERT_TRUE(server.out_contains("Server: backlog")) << server.out();
    EXPECT_EQ(server.out().rfind(first + "Server: backlog " + std::to_string(somaxconn) + "\n", 0),
              0u)
        << server.out();

    auto asked = e2e::start_server({"--backlog", "5"});
    EXPECT_TRUE(asked.out_contains("\nServer: backlog 5\n")) << asked.out();
    if (somaxconn < 65535) {
        auto over = e2e::start_server({"--backlog", "65535"});
        EXPECT_TRUE(over.out_contains("\nServer: backlog " + std::to_string(somaxconn) +
                                      " (--backlog 65535 is over net.core.somaxconn)\n"))
            << over.out();
    }
}

namespace {

// serverfork whose every fork() fails (libfiu through fiu-run).
probe::ServerProcess start_server_that_cannot_fork(std::vector<std::string> options = {}) {
    return probe::ServerProcess(fixtures::under_fiu_run(
        e2e::serverfork_on_loopback(std::move(options)), "enable name=sys/proc/fork,failinfo=11"));
}

// Stops pid and returns once it is stopped (state T in /proc/PID/stat).
bool stop_process(pid_t pid) {
    if (::kill(pid, SIGSTOP) != 0) return false;
    return probe::poll_until([&] {
        std::ifstream in("/proc/" + std::to_string(pid) + "/stat");
        const std::string stat((std::istreambuf_iterator<char>(in)), {});
        const auto paren = stat.rfind(')');
        return paren != std::string::npos && stat.size() > paren + 2 && stat[paren + 2] == 'T';
    });
}

// What a client that sent its message before the server accepted it
// receives up to the end of the stream, and how the stream ended (0: an
// orderly close; an errno such as ECONNRESET; ETIMEDOUT: not within 5 s).
// The server is stopped while the client connects and sends, so the input is
// surely there when it accepts.
struct Ending {
    std::string got;
    int error = 0;
    std::string not_set_up;  // why the client could not be set up so, if it could not
};
Ending send_before_accept_and_read_to_end(const probe::ServerProcess &server,
                                          std::string_view message) {
    if (!stop_process(server.pid())) return {"", 0, "could not stop the server"};
    const sys::OwnFd fd = fixtures::tcp_socket();
    const bool connected = fixtures::connect_loopback(fd, server.port()) == 0 &&
                           ::send(fd.get(), message.data(), message.size(), MSG_NOSIGNAL) ==
                               static_cast<ssize_t>(message.size());
    const bool waiting = probe::accept_backlog(server.port()) == 1;
    if (::kill(server.pid(), SIGCONT) != 0) return {"", 0, "could not continue the server"};
    if (!connected) return {"", 0, "could not connect and send"};
    if (!waiting) return {"", 0, "accepted while stopped"};
    Ending end;
    const auto give_up = std::chrono::steady_clock::now() + 5s;
    while (std::chrono::steady_clock::now() < give_up) {
        pollfd p{fd.get(), POLLIN, 0};
        if (::poll(&p, 1, 100) != 1) continue;
        char buf[256];
        const ssize_t n = ::recv(fd.get(), buf, sizeof buf, 0);
        if (n <= 0) {
            end.error = n < 0 ? errno : 0;
            return end;
        }
        end.got.append(buf, static_cast<std::size_t>(n));
    }
    end.error = ETIMEDOUT;
    return end;
}

}  // namespace

// A client that sent its message before the server accepted it gets the
// busy line and then a clean end of stream, not a reset: closing a socket
// with unread input resets the connection, and a reset destroys whatever
// reply is still unsent (so that, depending on timing, `printf 'hello\n' |
// nc` got nothing).
TEST(ServerE2E, ForkFailureClosesGracefullyAClientThatAlreadySentData) {
    auto server = start_server_that_cannot_fork();
    for (int i = 0; i < 3; ++i) {
        const Ending end = send_before_accept_and_read_to_end(server, "hello\nHow are you\n");
        ASSERT_EQ(end.not_set_up, "") << "round " << i;
        EXPECT_EQ(end.got, "Error: server busy\n") << "round " << i;
        EXPECT_EQ(end.error, 0) << "round " << i << ": " << std::strerror(end.error);
    }
    EXPECT_TRUE(server.err_contains("serverfork: fork failed: EAGAIN"));
}

// The parent drains refused connections without waiting for them: clients
// that keep theirs open and keep sending delay no other client.
TEST(ServerE2E, RefusedClientsThatKeepSendingDelayNoOtherClient) {
    auto server = start_server_that_cannot_fork();
    constexpr int n = 6;
    std::vector<std::unique_ptr<TestClient>> cs;
    const auto start = std::chrono::steady_clock::now();
    for (int i = 0; i < n; ++i) {
        cs.push_back(std::make_unique<TestClient>(server.port()));
        ASSERT_TRUE(cs.back()->send("hello\n"));
    }
    for (auto &c : cs) {
        EXPECT_EQ(c->read_line(), "Error: server busy");
        ASSERT_TRUE(c->send("still talking\n"));
    }
    // Waiting out each one's linger (1 s) in turn would take 5 s or more.
    EXPECT_LT(std::chrono::steady_clock::now() - start, 3s);
    for (auto &c : cs) EXPECT_TRUE(c->closed_by_server());
    EXPECT_TRUE(server.process().running());
}

namespace {

// A connection to the server from the local address src (any 127.x.y.z is
// loopback), its first reply line read for the message sent.
std::string first_reply_from(const char *src, int port, std::string_view message) {
    const sys::OwnFd fd = fixtures::tcp_socket();
    sockaddr_in from = fixtures::loopback_address();
    ::inet_pton(AF_INET, src, &from.sin_addr);
    if (::bind(fd.get(), reinterpret_cast<sockaddr *>(&from), sizeof from) != 0)
        return "bind failed";
    if (fixtures::connect_loopback(fd, port) != 0 ||
        ::send(fd.get(), message.data(), message.size(), MSG_NOSIGNAL) < 0)
        return "connect failed";
    std::string got;
    const auto give_up = std::chrono::steady_clock::now() + 5s;
    while (got.find('\n') == std::string::npos && std::chrono::steady_clock::now() < give_up) {
        pollfd p{fd.get(), POLLIN, 0};
        if (::poll(&p, 1, 100) != 1) continue;
        char buf[256];
        const ssize_t n = ::recv(fd.get(), buf, sizeof buf, 0);
        if (n <= 0) break;
        got.append(buf, static_cast<std::size_t>(n));
    }
    return got;
}

}  // namespace

// --max-per-address: beyond N live connections from one IP, a client gets
// one error line and a graceful close, and the first refusal of each stay
// at the limit is logged; other addresses are served as before.
TEST(ServerE2E, MaxPerAddressRefusesTheNextClientFromTheSameAddress) {
    auto server = e2e::start_server({"--max-per-address", "2"});
    TestClient a(server.port()), b(server.port());
    for (TestClient *c : {&a, &b}) {
        ASSERT_TRUE(c->send("hi\n"));
        ASSERT_EQ(c->read_line(), "Hello, World!");
    }
    const std::string refusal = "Error: too many connections from 127.0.0.1";
    for (int i = 0; i < 2; ++i) {
        TestClient c(server.port());
        ASSERT_TRUE(c.send("hi\n"));
        EXPECT_EQ(c.read_line(), refusal) << i;
        EXPECT_TRUE(c.closed_by_server());
    }
    EXPECT_EQ(first_reply_from("127.0.0.2", server.port(), "hi\n"), "Hello, World!\n");
    const std::string logged =
        "serverfork: too many connections from 127.0.0.1 (--max-per-address 2)";
    ASSERT_TRUE(server.err_contains(logged)) << server.err();
    EXPECT_EQ(e2e::count(server.err(), logged), 1u) << server.err();

    // One ends: the address has a free place, and a new stay is logged anew.
    ASSERT_TRUE(a.send("quit\n"));
    ASSERT_EQ(a.read_line(), "Goodbye, 127.0.0.1");
    a.close();
    ASSERT_TRUE(probe::poll_until([&] { return server.children().size() == 1; }))
        << server.children().size();
    TestClient c(server.port());
    ASSERT_TRUE(c.send("hi\n"));
    EXPECT_EQ(c.read_line(), "Hello, World!");
    TestClient d(server.port());
    ASSERT_TRUE(d.send("hi\n"));
    EXPECT_EQ(d.read_line(), refusal);
    ASSERT_TRUE(probe::poll_until([&] { return e2e::count(server.err(), logged) == 2; }))
        << server.err();
}

// A client over --max-per-address that sent its message before the server
// accepted it gets the refusal line and a clean end of stream, not a reset.
TEST(ServerE2E, MaxPerAddressClosesGracefullyAClientThatAlreadySentData) {
    auto server = e2e::start_server({"--max-per-address", "1"});
    TestClient first(server.port());
    ASSERT_TRUE(first.send("hi\n"));
    ASSERT_EQ(first.read_line(), "Hello, World!");
    for (int i = 0; i < 3; ++i) {
        const Ending end = send_before_accept_and_read_to_end(server, "hello\nHow are you\n");
        ASSERT_EQ(end.not_set_up, "") << "round " << i;
        EXPECT_EQ(end.got, "Error: too many connections from 127.0.0.1\n") << "round " << i;
        EXPECT_EQ(end.error, 0) << "round " << i << ": " << std::strerror(end.error);
    }
}
