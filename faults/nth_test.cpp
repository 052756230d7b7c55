// SPDX-License-Identifier: MIT
// Nth-call enumeration, as SQLite tests its malloc and I/O failures: in
// a fixed multi-client scenario, call N of one shim fails, for N = 1, 2, ...
// until a run ends without reaching call N. After every N: the server either
// refused to start with one line and exit 1, or it survived, reaped every
// child, leaked no fd, gave only correct replies, served a new client, and
// shut down cleanly on SIGTERM.
#include <signal.h>

#include <cstdio>
#include <set>
#include <stdexcept>
#include <string>

#include "faults/harness.hpp"
#include "fixtures/test_main.hpp"
#include "probe/proc_scan.hpp"
#include "probe/test_client.hpp"
#include "sys/fault.hpp"

using namespace std::chrono_literals;
using probe::TestClient;

namespace faults {
namespace {

constexpr int max_n = 80;

const std::set<std::string> correct = {"Hello, World!", "Goodbye, 127.0.0.1", "Error: server busy"};

// Sends lines and reads a reply after each; stops at the first close. Every
// reply seen must be a correct one.
::testing::AssertionResult talk(TestClient &c, const std::vector<std::string> &lines) {
    for (const auto &l : lines) {
        if (!c.send(l + "\n")) return ::testing::AssertionSuccess();  // closed: allowed
        const auto reply = c.read_line(3s);
        if (!reply) return ::testing::AssertionSuccess();
        if (!correct.contains(*reply))
            return ::testing::AssertionFailure() << "wrong reply '" << *reply << "' to " << l;
        if (*reply != "Hello, World!") return ::testing::AssertionSuccess();
    }
    return ::testing::AssertionSuccess();
}

// One run with call n of the point failing; returns whether it fired.
bool run_once(const sys::FaultPoint &fp, int n) {
    const int error = fp.errnos[static_cast<std::size_t>(n) % fp.errnos.size()];
    const Schedule s{{std::string(fp.name), n, error, 1}};
    const std::string what = describe(s);
    FaultState state;
    std::unique_ptr<probe::ServerProcess> server;
    try {
        server = start_server(s, state, {"--grace", "0"});
    } catch (const probe::StartError &e) {
        const std::string msg = std::string(e.what()) + "; stderr: " + e.server_stderr();
        EXPECT_TRUE(state.fired(0) > 0) << what << ": did not start without a fault: " << msg;
        EXPECT_NE(msg.find("serverfork: "), std::string::npos) << what << ": " << msg;
        EXPECT_NE(msg.find(errno_name(error)), std::string::npos)
            << what << ": the start-up failure does not name the errno: " << msg;
        return state.fired(0) > 0;
    }
    const int baseline = probe::open_fd_count(server->pid());
    {
        TestClient a(server->port()), b(server->port()), c(server->port());
        EXPECT_TRUE(talk(a, {"one", "two", "quit"})) << what;
        EXPECT_TRUE(talk(b, {"one", "two"})) << what;
        b.shutdown_write();
        EXPECT_TRUE(talk(c, {"one"})) << what;
        c.reset();
    }
    EXPECT_TRUE(server_recovered(*server, baseline)) << what;
    {
        TestClient e(server->port());
        EXPECT_TRUE(e.send("still serving?\n"));
        const auto reply = e.read_line(5s);
        // A fault may still hit this client (e.g. its fork): then it must be
        // told or closed, and one more client is served.
        if (reply != "Hello, World!") {
            TestClient f(server->port());
            EXPECT_TRUE(f.send("and now?\n"));
            EXPECT_EQ(f.read_line(5s), "Hello, World!") << what << ": the server stopped serving";
        }
        EXPECT_EQ(server->process().signal(SIGTERM), 0);
        EXPECT_EQ(server->process().exit_code(15s), 0) << what << ": no clean shutdown; stderr:\n"
                                                       << server->err();
    }
    return state.fired(0) > 0;
}

class NthCall : public ::testing::TestWithParam<const sys::FaultPoint *> {};

TEST_P(NthCall, EveryCallFailingOnceKeepsTheInvariants) {
    const sys::FaultPoint &fp = *GetParam();
    int n = 1;
    for (; n <= max_n; ++n) {
        if (!run_once(fp, n)) break;
        if (HasFailure()) {
            ADD_FAILURE() << "first failing N for " << fp.name << ": " << n;
            return;
        }
    }
    EXPECT_LE(n, max_n) << fp.name << " still reached at N = " << max_n;
    RecordProperty("calls", n - 1);
    std::printf("%s: %d calls failed in turn\n", std::string(fp.name).c_str(), n - 1);
}

std::vector<const sys::FaultPoint *> failure_points() {
    std::vector<const sys::FaultPoint *> v;
    for (const auto &fp : sys::fault_points())
        if (!fp.reduce) v.push_back(&fp);
    return v;
}

INSTANTIATE_TEST_SUITE_P(Shims, NthCall, ::testing::ValuesIn(failure_points()),
                         [](const auto &info) {
                             std::string n(info.param->name);
                             for (char &ch : n)
                                 if (ch == '/') ch = '_';
                             return n;
                         });

}  // namespace
}  // namespace faults
