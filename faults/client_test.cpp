// SPDX-License-Identifier: MIT
// msgclient under send and recv failures (connect
// is in the matrix) and a server that dies mid-session: one clear line, a
// non-zero exit, and never a hang.
#include <signal.h>

#include <cerrno>
#include <string>

#include "faults/harness.hpp"
#include "fixtures/test_main.hpp"
#include "probe/poll_until.hpp"

using namespace std::chrono_literals;

namespace faults {
namespace {

struct ClientCase {
    const char *point;
    int error;
    int exit_code;
    const char *err;  // msgclient's whole stderr, {port} the server's
};

class ClientFaults : public ::testing::TestWithParam<ClientCase> {};

TEST_P(ClientFaults, OneClearLineAndNoHang) {
    const ClientCase &k = GetParam();
    FaultState none;
    auto server = start_server({}, none);
    const Schedule s{{k.point, 1, k.error, 1}};
    FaultState state;
    const auto start = std::chrono::steady_clock::now();
    probe::Process c(under_schedule(msgclient_args(server->port(), {"--timeout", "3"}), s, state),
                     probe::ProcessInput::from("hello\n"));
    EXPECT_EQ(c.exit_code(20s), k.exit_code) << describe(s) << "\nstderr:\n" << c.err();
    EXPECT_LT(std::chrono::steady_clock::now() - start, 10s) << describe(s) << ": too slow";
    EXPECT_TRUE(fired(state, s));
    std::string want = k.err;
    if (const auto at = want.find("{port}"); at != std::string::npos)
        want.replace(at, 6, std::to_string(server->port()));
    EXPECT_EQ(c.err(), want) << describe(s);
    EXPECT_TRUE(server->childless_within()) << "the server's child outlived the client";
}

INSTANTIATE_TEST_SUITE_P(
    Msgclient, ClientFaults,
    ::testing::Values(
        ClientCase{"sys/net/recv", ECONNRESET, 1, "msgclient: server closed the connection\n"},
        ClientCase{"sys/net/recv", ENOMEM, 1,
                   "msgclient: recv failed: ENOMEM (Cannot allocate memory)\n"},
        ClientCase{"sys/net/recv", EINTR, 0, ""},
        ClientCase{"sys/net/send", EPIPE, 1, "msgclient: server closed the connection\n"},
        ClientCase{"sys/net/send", ECONNRESET, 1, "msgclient: server closed the connection\n"},
        ClientCase{"sys/net/send", ENOBUFS, 1,
                   "msgclient: send failed: ENOBUFS (No buffer space available)\n"},
        ClientCase{"sys/net/send", EAGAIN, 0, ""}, ClientCase{"sys/net/send", EINTR, 0, ""},
        ClientCase{"sys/net/getaddrinfo", EMFILE, 1,
                   "msgclient: cannot connect to 127.0.0.1:{port}: EMFILE (Too many open files)\n"},
        // The first poll waits for the connection.
        ClientCase{
            "sys/io/poll", ENOMEM, 1,
            "msgclient: cannot connect to 127.0.0.1:{port}: ENOMEM (Cannot allocate memory)\n"},
        // Injected, the half-close never happens: the server waits for more,
        // and msgclient gives up at --timeout rather than hang.
        ClientCase{"sys/net/shutdown", ENOTCONN, 1,
                   "msgclient: no reply from 127.0.0.1:{port} within 3 s\n"}),
    [](const auto &info) {
        std::string n =
            std::string(info.param.point).substr(4) + "_" + errno_name(info.param.error);
        for (char &ch : n)
            if (ch == '/') ch = '_';
        return n;
    });

TEST(ClientFaults, ServerChildKilledMidSessionIsOneLineAndExitOne) {
    FaultState none;
    auto server = start_server({}, none);
    probe::Process c(msgclient_args(server->port()), probe::ProcessInput::piped());
    ASSERT_TRUE(c.write_stdin("hello\n"));
    ASSERT_TRUE(probe::poll_until([&] { return c.out() == "Received: Hello, World!\n"; }));
    const auto kids = server->children();
    ASSERT_EQ(kids.size(), 1u);
    ASSERT_EQ(kill(kids[0].pid, SIGKILL), 0);
    ASSERT_TRUE(server->out_contains("killed by signal 9"));
    c.write_stdin("anyone?\n");
    EXPECT_EQ(c.exit_code(10s), 1);
    EXPECT_EQ(c.err(), "msgclient: server closed the connection\n");
}

TEST(ClientFaults, ServerChildStoppedMidSessionTimesOutWithOneLine) {
    FaultState none;
    auto server = start_server({}, none);
    probe::Process c(msgclient_args(server->port(), {"--timeout", "1"}),
                     probe::ProcessInput::piped());
    ASSERT_TRUE(c.write_stdin("hello\n"));
    ASSERT_TRUE(probe::poll_until([&] { return c.out() == "Received: Hello, World!\n"; }));
    const auto kids = server->children();
    ASSERT_EQ(kids.size(), 1u);
    ASSERT_EQ(kill(kids[0].pid, SIGSTOP), 0);
    c.write_stdin("anyone?\n");
    EXPECT_EQ(c.exit_code(10s), 1);
    EXPECT_EQ(c.err(), "msgclient: no reply from 127.0.0.1:" + std::to_string(server->port()) +
                           " within 1 s\n");
    kill(kids[0].pid, SIGCONT);
}

}  // namespace
}  // namespace faults
