// SPDX-License-Identifier: MIT
// The fault matrix: one test per (shim failure point, errno), made
// from the shims' own table, each checking the documented behaviour
// (faults/expectations.cpp) and that the fault really fired.
#include <signal.h>

#include <cstring>
#include <functional>
#include <string>

#include "faults/expectations.hpp"
#include "faults/harness.hpp"
#include "fixtures/test_main.hpp"
#include "fixtures/text.hpp"
#include "probe/poll_until.hpp"
#include "probe/proc_scan.hpp"
#include "probe/test_client.hpp"
#include "sys/errno_text.hpp"

using namespace std::chrono_literals;
using probe::TestClient;

namespace faults {
namespace {

TEST(FaultMatrixTable, CoversEveryPointAndErrnoOfTheShims) {
    for (const auto &c : all_cells())
        EXPECT_NE(expectation_for(c.point->name, c.error), nullptr)
            << c.point->name << " " << errno_name(c.error)
            << " has no expected behaviour: add a row to faults/expectations.cpp";
}

TEST(FaultMatrixTable, HasNoRowForAPointThatIsGone) {
    for (const auto &e : expectations())
        EXPECT_NE(sys::find_fault_point(e.point), nullptr)
            << e.point << " is not a shim point any more: remove its row";
}

class FaultMatrix : public ::testing::TestWithParam<Cell> {
protected:
    void SetUp() override {
        cell = GetParam();
        e = expectation_for(cell.point->name, cell.error);
        ASSERT_NE(e, nullptr) << cell.point->name << " " << errno_name(cell.error)
                              << ": no expected behaviour in faults/expectations.cpp";
        log = expected_log(*e, cell.error);
    }
    Fault fault(int nth, int count = 1) const {
        return {std::string(cell.point->name), nth, cell.error, count};
    }
    // The log shows the expected line, or (for a silent retry) no failure.
    void check_log(probe::ServerProcess &server) {
        if (!log.empty())
            EXPECT_TRUE(server.err_contains(log)) << "expected in the log: " << log << "\nstderr:\n"
                                                  << server.err();
        else
            EXPECT_EQ(server.err().find(" failed: " + errno_name(cell.error)), std::string::npos)
                << "a retried call was logged as a failure:\n"
                << server.err();
    }

    void startup();
    void with_bystander(
        int nth, const std::function<void(TestClient &, probe::ServerProcess &)> &victim_part,
        const std::function<void(FaultState &)> &before_victim = {});
    void parent_side(int nth);
    void child_side();
    void shutdown_after_quit();
    void kill_at_shutdown();
    void client(const std::string &input, int nth = 1);
    void short_io();

    Cell cell{};
    const Expectation *e = nullptr;
    std::string log;
};

void FaultMatrix::startup() {
    const Schedule s{fault(1)};
    FaultState state;
    probe::Process p(under_schedule(serverfork_args(), s, state));
    EXPECT_EQ(p.exit_code(), 1) << "injected: " << describe(s) << "\nstderr:\n" << p.err();
    EXPECT_TRUE(fired(state, s));
    const std::string err = p.err();
    EXPECT_EQ(fixtures::count(err, "\n"), 1u) << "not one line:\n" << err;
    EXPECT_EQ(err.rfind("serverfork: ", 0), 0u) << err;
    EXPECT_NE(err.find(log), std::string::npos) << "expected " << log << " in:\n" << err;
}

// A bystander is served first, then (after before_victim, which may arm the
// fault) the victim connects and victim_part runs while the nth scheduled
// call fails; the bystander must be served after it, the fault must have
// fired, and the server must recover.
void FaultMatrix::with_bystander(
    int nth, const std::function<void(TestClient &, probe::ServerProcess &)> &victim_part,
    const std::function<void(FaultState &)> &before_victim) {
    const Schedule s{fault(nth)};
    SCOPED_TRACE("injected: " + describe(s));
    FaultState state;
    auto server = start_server(s, state);
    const int baseline = probe::open_fd_count(server->pid());
    {
        TestClient by(server->port());
        ASSERT_TRUE(by.send("first\n"));
        ASSERT_EQ(by.read_line(), "Hello, World!");
        if (before_victim) before_victim(state);
        if (HasFatalFailure()) return;
        TestClient victim(server->port());
        victim_part(victim, *server);
        EXPECT_TRUE(fired(state, s));
        ASSERT_TRUE(by.send("again\n"));
        EXPECT_EQ(by.read_line(), "Hello, World!") << "the bystander was disturbed";
    }
    check_log(*server);
    EXPECT_TRUE(server_recovered(*server, baseline));
}

// The parent's nth call (accept, fork, poll, close, waitpid) fails.
void FaultMatrix::parent_side(int nth) {
    with_bystander(nth, [&](TestClient &victim, probe::ServerProcess &server) {
        if (e->scenario == Scenario::fork) {
            EXPECT_EQ(victim.read_line(), "Error: server busy");
            EXPECT_TRUE(victim.closed_by_server());
        } else if (e->scenario == Scenario::waitpid) {
            ASSERT_TRUE(victim.send("quit\n"));  // its child exits: the parent reaps
            EXPECT_EQ(victim.read_line(), "Goodbye, 127.0.0.1");
            EXPECT_TRUE(victim.closed_by_server());
            EXPECT_TRUE(server.out_contains("exited with status 0"));
        } else {
            ASSERT_TRUE(victim.send("second\n"));
            EXPECT_EQ(victim.read_line(), "Hello, World!");
        }
    });
}

// The victim's child's first recv, send or setitimer fails. A child waits in
// a blocking recv, counted when it starts, so the order of calls across the
// server tree depends on timing: the fault is armed at run time instead, once
// the bystander's child is blocked in its second recv (2 calls seen) and
// before the victim connects. The next recv is then the victim's child's
// first; the next send, its reply; the next setitimer, its alarm's first
// (the bystander's child set its own when it started, and sets it again
// only when it holds a line, after its second message).
void FaultMatrix::child_side() {
    const bool recv = e->scenario == Scenario::child_recv;
    with_bystander(
        0,
        [&](TestClient &victim, probe::ServerProcess &server) {
            ASSERT_TRUE(victim.send("second\n"));
            if (e->recovers) {
                EXPECT_EQ(victim.read_line(), "Hello, World!");
            } else {
                EXPECT_TRUE(victim.closed_by_server());
                EXPECT_TRUE(server.out_contains("exited with status 1"));
            }
        },
        [&](FaultState &state) {
            if (recv) {
                ASSERT_TRUE(probe::poll_until([&] { return state.calls(0) >= 2; }))
                    << state.calls(0) << " recv calls: the bystander's child is not waiting";
            }
            state.arm_next(0);
        });
}

void FaultMatrix::shutdown_after_quit() {
    const Schedule s{fault(1)};
    FaultState state;
    auto server = start_server(s, state);
    const int baseline = probe::open_fd_count(server->pid());
    {
        TestClient victim(server->port());
        ASSERT_TRUE(victim.send("quit\n"));
        EXPECT_EQ(victim.read_line(), "Goodbye, 127.0.0.1");
        EXPECT_TRUE(victim.closed_by_server());
        EXPECT_TRUE(fired(state, s));
    }
    check_log(*server);
    EXPECT_TRUE(server_recovered(*server, baseline));
}

void FaultMatrix::kill_at_shutdown() {
    const Schedule s{fault(1)};
    FaultState state;
    auto server = start_server(s, state, {"--grace", "0"});
    TestClient c(server->port());
    ASSERT_TRUE(c.send("hi\n"));
    ASSERT_EQ(c.read_line(), "Hello, World!");
    ASSERT_EQ(server->process().signal(SIGTERM), 0);
    EXPECT_EQ(server->process().exit_code(15s), 0) << server->err();
    EXPECT_TRUE(fired(state, s));
    EXPECT_TRUE(c.closed_by_server());
    EXPECT_TRUE(server->out_contains("sending SIGKILL to 1 children")) << server->out();
    EXPECT_TRUE(server->out_contains("Server: stopped"));
    check_log(*server);
}

void FaultMatrix::client(const std::string &input, int nth) {
    FaultState none;
    auto server = start_server({}, none);
    const Schedule s{fault(nth)};
    FaultState state;
    probe::Process c(under_schedule(msgclient_args(server->port()), s, state),
                     probe::ProcessInput::from(input));
    const int code = c.exit_code();
    EXPECT_TRUE(fired(state, s));
    if (e->recovers) {
        EXPECT_EQ(code, 0) << "injected: " << describe(s) << "\nstderr:\n" << c.err();
        EXPECT_EQ(c.out(), "Received: Hello, World!\nReceived: Goodbye, 127.0.0.1\n");
    } else {
        EXPECT_EQ(code, 1) << "injected: " << describe(s) << "\nstderr:\n" << c.err();
        const std::string err = c.err();
        EXPECT_EQ(fixtures::count(err, "\n"), 1u) << err;
        EXPECT_NE(err.find(log), std::string::npos) << "expected " << log << " in:\n" << err;
        if (e->log.ends_with(": ")) {
            EXPECT_NE(err.find(std::strerror(cell.error)), std::string::npos)
                << "the reason is not named:\n"
                << err;
        }
    }
}

// Every transfer of both programs one byte long: the replies are unchanged.
void FaultMatrix::short_io() {
    const Schedule s{{std::string(cell.point->name), 1, 1, 0}};
    FaultState server_state, client_state;
    auto server = start_server(s, server_state, {"--reply", "echo", "--max-message", "20"});
    const std::string input = "one\n\ntwo words\r\n" + std::string(25, 'x') + "\nquit\n";
    probe::Process c(under_schedule(msgclient_args(server->port()), s, client_state),
                     probe::ProcessInput::from(input));
    EXPECT_EQ(c.exit_code(), 0) << c.err();
    EXPECT_EQ(c.out(),
              "Received: one\nReceived: \nReceived: two words\n"
              "Received: Error: message too long (max 20 bytes)\nReceived: Goodbye, 127.0.0.1\n");
    EXPECT_GT(server_state.fired(0) + client_state.fired(0), 10u) << "short transfers not forced";
    EXPECT_TRUE(server->out_contains("exited with status 0"));
}

TEST_P(FaultMatrix, BehavesAsDocumented) {
    switch (e->scenario) {
    case Scenario::startup: return startup();
    case Scenario::accept: return parent_side(3);  // bystander's accept, then EAGAIN
    case Scenario::fork: return parent_side(2);
    case Scenario::waitpid:
    case Scenario::parent_poll:
    case Scenario::close: return parent_side(1);
    case Scenario::child_recv:
    case Scenario::child_send:
    case Scenario::child_timer: return child_side();
    case Scenario::child_shutdown: return shutdown_after_quit();
    case Scenario::kill: return kill_at_shutdown();
    case Scenario::client_connect:
    case Scenario::client_getsockopt: return client("hello\nquit\n");
    case Scenario::client_read: return client("hello\nquit\n");
    case Scenario::short_io: return short_io();
    }
}

std::string cell_name(const ::testing::TestParamInfo<Cell> &info) {
    std::string n(info.param.point->name);
    for (char &ch : n)
        if (ch == '/') ch = '_';
    return n + "_" + (info.param.error != 0 ? errno_name(info.param.error) : "every_call");
}

INSTANTIATE_TEST_SUITE_P(Shims, FaultMatrix, ::testing::ValuesIn(all_cells()), cell_name);

// The matrix fails each start-up call first; bound to "::" the second
// setsockopt, making the socket dual-stack, can fail too.
TEST(StartupFaults, DualStackOptionFailureNamesItAndExitsOne) {
    const Schedule s{{"sys/net/setsockopt", 2, ENOPROTOOPT, 1}};
    FaultState state;
    probe::Process p(under_schedule(serverfork_args({"--bind", "::"}), s, state));
    EXPECT_EQ(p.exit_code(), 1) << "injected: " << describe(s) << "\nstderr:\n" << p.err();
    EXPECT_TRUE(fired(state, s));
    EXPECT_EQ(p.err(),
              "serverfork: setsockopt IPV6_V6ONLY [::]:0: " + sys::errno_text(ENOPROTOOPT) + "\n");
}

}  // namespace
}  // namespace faults

namespace faults {
namespace {

// A child sets its alarm (setitimer) when it starts, again when it first
// holds a log line (to write it in time), and again after the alarm rang.
// Either later call failing ends that child, logged and named, after the
// held line is written; the parent serves on.
void child_alarm_fails(int nth) {
    const Schedule s{{"sys/proc/setitimer", nth, EINVAL, 1}};
    SCOPED_TRACE("injected: " + describe(s));
    FaultState state;
    auto server = start_server(s, state);
    {
        TestClient c(server->port());
        ASSERT_TRUE(c.send("one\n"));
        ASSERT_EQ(c.read_line(), "Hello, World!");
        ASSERT_TRUE(c.send("two\n"));  // held: the alarm must ring by its flush time
        EXPECT_EQ(c.read_line(), "Hello, World!");
        EXPECT_TRUE(c.closed_by_server());  // at once (2), or when it rang (3)
    }
    EXPECT_TRUE(fired(state, s));
    const std::string failure =
        "serverfork: setitimer failed: " + sys::errno_text(EINVAL) + " (client 127.0.0.1:";
    ASSERT_TRUE(server->err_contains(failure)) << server->err();
    const std::string err = server->err();
    EXPECT_LT(err.find("Message received: two\n"), err.find(failure)) << err;
    EXPECT_TRUE(server->out_contains("exited with status 1"));
    TestClient next(server->port());
    ASSERT_TRUE(next.send("still\n"));
    EXPECT_EQ(next.read_line(), "Hello, World!");
}

TEST(ChildFaults, SettingTheAlarmForAHeldLineFailsNamedAndTheServerServesOn) {
    child_alarm_fails(2);
}

TEST(ChildFaults, SettingTheAlarmAfterItRangFailsNamedAndTheServerServesOn) {
    child_alarm_fails(3);
}

// While the parent's poll keeps failing, SIGCHLD, unblocked only inside that
// wait, is never taken: the parent must still reap a child that exits. The
// first client's child is up before every poll fails; a second connection
// wakes the parent's last good poll, and its next one fails.
TEST(ParentFaults, AChildIsReapedWhileThePollKeepsFailing) {
    const Schedule s{{"sys/io/poll", 0, ENOMEM, 0}};
    SCOPED_TRACE("injected: " + describe(s));
    FaultState state;
    auto server = start_server(s, state);
    TestClient first(server->port());
    ASSERT_TRUE(first.send("hello\n"));
    ASSERT_EQ(first.read_line(), "Hello, World!");
    state.arm_next(0);
    TestClient second(server->port());
    ASSERT_TRUE(server->err_contains("poll failed: " + sys::errno_text(ENOMEM)));
    ASSERT_TRUE(first.send("quit\n"));
    EXPECT_EQ(first.read_line(), "Goodbye, 127.0.0.1");
    EXPECT_TRUE(server->out_contains("(127.0.0.1:" + std::to_string(first.local_port()) +
                                     ") exited with status 0"));
}

// A reply that would block makes the child wait with poll: if that fails, the
// log names poll (not send). Every poll fails from the moment it is armed,
// the parent's too (it logs and retries), so it is armed once the child runs.
TEST(ChildFaults, WaitingToSendFailsAndTheLogNamesPoll) {
    const Schedule s{{"sys/net/send", 1, EAGAIN, 1}, {"sys/io/poll", 0, ENOMEM, 0}};
    SCOPED_TRACE("injected: " + describe(s));
    FaultState state;
    auto server = start_server(s, state);
    TestClient c(server->port());
    ASSERT_TRUE(probe::poll_until([&] { return !server->children().empty(); }));
    state.arm_next(1);
    ASSERT_TRUE(c.send("hello\n"));
    EXPECT_TRUE(c.closed_by_server());
    EXPECT_TRUE(fired(state, s, 0));
    EXPECT_TRUE(fired(state, s, 1));
    EXPECT_TRUE(
        server->err_contains("poll failed: " + sys::errno_text(ENOMEM) + " (client 127.0.0.1:"));
    EXPECT_TRUE(server->out_contains("exited with status 1"));
}

}  // namespace
}  // namespace faults
