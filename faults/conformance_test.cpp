// Item 5 of the fault issue: the unmodified server binary under libfiu's
// POSIX preload (fiu-run -x), with faults a real kernel can cause in accept,
// fork, recv and send. Any server of the protocol can be the target
// (FORKCHECK_SERVER, see fixtures/target.hpp): each test is one verdict that
// `forkcheck --faults` prints as PASS or FAIL, so every failure message says
// what was injected, what was expected and what happened.
#include <dirent.h>
#include <poll.h>
#include <signal.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <memory>
#include <string>
#include <vector>

#include "faults/harness.hpp"
#include "faults/schedule.hpp"
#include "fixtures/poll_until.hpp"
#include "fixtures/proc_scan.hpp"
#include "fixtures/target.hpp"
#include "fixtures/test_client.hpp"
#include "fixtures/test_main.hpp"

using namespace std::chrono_literals;

namespace {

fixtures::Target target() { return fixtures::target_from_env(SERVERFORK_PATH); }

// argv under fiu-run -x with the given remote-control commands; ctrl is the
// FIFO prefix ("" for none). Under ASan the runtime goes first in LD_PRELOAD.
std::vector<std::string> under_fiu_run_x(const std::vector<std::string> &argv,
                                         const std::vector<std::string> &commands,
                                         const std::string &ctrl = "") {
#ifdef FORKCHECK_ASAN_RUNTIME
    std::string enable;
    for (const auto &c : commands) enable += c + "\n";
    std::vector<std::string> run{"/usr/bin/env", "FIU_ENABLE=" + enable, "FIU_CTRL_FIFO=" + ctrl,
                                 std::string("LD_PRELOAD=") + FORKCHECK_ASAN_RUNTIME +
                                     " /usr/lib/fiu/fiu_run_preload.so"
                                     " /usr/lib/fiu/fiu_posix_preload.so"};
#else
    std::vector<std::string> run{"/usr/bin/fiu-run", "-x", "-f", ctrl};
    for (const auto &c : commands) run.insert(run.end(), {"-c", c});
#endif
    run.insert(run.end(), argv.begin(), argv.end());
    return run;
}

// The target's command line; serverfork's own with the profile's options.
std::vector<std::string> target_argv(const fixtures::Target &t) {
    if (!t.is_own_server()) return t.command;
    std::vector<std::string> argv{t.serverfork_path, "--port", "{port}", "--bind", "127.0.0.1"};
    if (t.reply == proto::ReplyMode::echo) argv.insert(argv.end(), {"--reply", "echo"});
    if (t.profile == fixtures::Profile::worksheet) argv.insert(argv.end(), {"--framing", "raw"});
    return argv;
}

std::unique_ptr<fixtures::ServerProcess> start_as(const fixtures::Target &t,
                                                  std::vector<std::string> command,
                                                  int attempts = 3) {
    fixtures::Target wrapped = t;
    wrapped.command = std::move(command);
    return fixtures::start_target(wrapped, {}, attempts);
}

std::string injected(const std::vector<std::string> &commands) {
    std::string s;
    for (const auto &c : commands) s += (s.empty() ? "" : " and ") + ("'" + c + "'");
    return "injected with fiu-run -x: " + s;
}

std::string injected(const faults::Schedule &s) {
    return "injected with libfiu's POSIX preload: " + faults::describe(s);
}

// The target started under fiu-run -x.
std::unique_ptr<fixtures::ServerProcess> start(const fixtures::Target &t,
                                               const std::vector<std::string> &commands,
                                               const std::string &ctrl = "") {
    return start_as(t, under_fiu_run_x(target_argv(t), commands, ctrl));
}

// The target started with libfiu's POSIX preload under a schedule whose
// counters prove that the fault fired, in any server.
std::unique_ptr<fixtures::ServerProcess> start(const fixtures::Target &t, const faults::Schedule &s,
                                               const faults::FaultState &state) {
    // A server that fails to start is tried again on another port only while
    // the fault has not fired: one that died of it must not get a second,
    // fault-free chance.
    for (int attempt = 1;; ++attempt) {
        try {
            return start_as(t, faults::under_schedule(target_argv(t), s, state, true), 1);
        } catch (const std::runtime_error &e) {
            if (state.fired(0) > 0)
                throw std::runtime_error(injected(s) + " against " + t.describe() +
                                         "; expected: the server survives; happened: it did not "
                                         "start serving: " +
                                         e.what());
            if (attempt == 3) throw;
        }
    }
}

// A fault that never fired proves nothing: say so, and why that happens.
::testing::AssertionResult reached(const faults::FaultState &state, const faults::Schedule &s,
                                   const std::string &what) {
    auto r = faults::fired(state, s, 0, 2s);  // the clients are done by now
    if (!r)
        r << "\n"
          << what
          << ": libfiu's POSIX preload reaches the libc calls accept, fork, recv, recvfrom, send, "
             "sendto, read and write; a server that calls accept4, or is linked statically, "
             "cannot be tested this way";
    return r;
}

// One message and whatever reply arrives within the limit ("" if none: a
// close, a reset or silence).
std::string exchange(int port, const fixtures::Target &t, std::chrono::milliseconds limit = 5s) {
    try {
        fixtures::TestClient c(port);
        if (!c.send(t.profile == fixtures::Profile::worksheet ? "hello" : "hello\n")) return "";
        const auto line = c.read_line(limit);
        return line ? *line : "";
    } catch (const std::runtime_error &) {
        return "";
    }
}

bool served(int port, const fixtures::Target &t) {
    // A server that answers without a newline (the worksheet's) is served too.
    for (int attempt = 0; attempt < 3; ++attempt) {
        try {
            fixtures::TestClient c(port);
            if (!c.send(t.profile == fixtures::Profile::worksheet ? "hello" : "hello\n")) continue;
            if (c.read_line(3s)) return true;
            return !c.closed_by_server(100ms);
        } catch (const std::runtime_error &) {
        }
    }
    return false;
}

// Zombies among the server's children (they must be reaped).
std::vector<pid_t> zombies(const fixtures::ServerProcess &s) {
    std::vector<pid_t> z;
    for (const auto &k : s.children())
        if (k.state == 'Z') z.push_back(k.pid);
    return z;
}

::testing::AssertionResult alive_without_zombies(fixtures::ServerProcess &s,
                                                 const std::string &what) {
    if (!s.process().running())
        return ::testing::AssertionFailure()
               << what << "; expected: the server survives; happened: it exited (status "
               << s.process().exit_code(0ms) << "). stderr:\n"
               << s.err();
    std::vector<pid_t> z;
    if (!fixtures::poll_until([&] { return (z = zombies(s)).empty(); }, 10s))
        return ::testing::AssertionFailure()
               << what << "; expected: every finished child reaped; happened: " << z.size()
               << " zombie(s) still there after 10 s";
    return ::testing::AssertionSuccess();
}

// The first call of point in the whole server fails.
void survives_one_failure(const std::string &point, int error, const std::string &own_log) {
    const auto t = target();
    const faults::Schedule s{{point, 1, error, 1}};
    faults::FaultState state;
    auto server = start(t, s, state);
    const std::string what = injected(s) + " against " + t.describe();
    const std::string first = exchange(server->port(), t);
    EXPECT_TRUE(reached(state, s, what));
    EXPECT_TRUE(served(server->port(), t))
        << what << "; expected: the next client is served; happened: no reply. First client got '"
        << first << "'. stderr:\n"
        << server->err();
    EXPECT_TRUE(alive_without_zombies(*server, what));
    if (t.is_own_server()) {
        EXPECT_TRUE(server->err_contains(own_log))
            << what << "; expected in serverfork's log: " << own_log << "; stderr:\n"
            << server->err();
    }
}

TEST(FaultConformance, SurvivesAcceptFailingWithEMFILE) {
    survives_one_failure("posix/io/net/accept", EMFILE, "accept failed: EMFILE");
}

TEST(FaultConformance, SurvivesAcceptFailingWithECONNABORTED) {
    survives_one_failure("posix/io/net/accept", ECONNABORTED, "accept failed: ECONNABORTED");
}

TEST(FaultConformance, SurvivesForkFailures) {
    survives_one_failure("posix/proc/fork", EAGAIN, "fork failed: EAGAIN");
}

// Every recv (or send) of every child fails.
void children_fail(const std::string &point, int error, const std::string &own_log) {
    const auto t = target();
    const faults::Schedule s{{point, 1, error, 0}};
    faults::FaultState state;
    auto server = start(t, s, state);
    const std::string what = injected(s) + " against " + t.describe();
    for (int i = 0; i < 3; ++i) (void)exchange(server->port(), t, 2s);
    EXPECT_TRUE(reached(state, s, what));
    EXPECT_TRUE(alive_without_zombies(*server, what));
    if (t.is_own_server()) {
        EXPECT_TRUE(server->err_contains(own_log))
            << what << "; the fault did not fire: expected in serverfork's log: " << own_log
            << "; stderr:\n"
            << server->err();
    }
}

TEST(FaultConformance, NoZombiesWhenRecvFails) {
    children_fail("posix/io/net/recv", ECONNRESET, "recv failed: ECONNRESET");
}

TEST(FaultConformance, NoZombiesWhenSendFails) {
    children_fail("posix/io/net/send", EPIPE, "send failed: EPIPE");
}

void random_faults(double probability) {
    const auto t = target();
    const std::string p = std::to_string(probability);
    const std::vector<std::string> cmd{
        "enable_random name=posix/io/net/accept,failinfo=103,probability=" + p,
        "enable_random name=posix/proc/fork,failinfo=11,probability=" + p,
        "enable_random name=posix/io/net/recv,failinfo=104,probability=" + p,
        "enable_random name=posix/io/net/send,failinfo=32,probability=" + p};
    auto server = start(t, cmd);
    const std::string what = injected(cmd) + " against " + t.describe();
    int ok = 0;
    for (int i = 0; i < 20 && server->process().running(); ++i)
        ok += exchange(server->port(), t, 2s).empty() ? 0 : 1;
    EXPECT_GT(ok, 0) << what << "; expected: some of 20 clients served; happened: none";
    EXPECT_TRUE(alive_without_zombies(*server, what));
}

TEST(FaultConformance, KeepsServingUnderRandomFaultsAtTenPercent) { random_faults(0.1); }

TEST(FaultConformance, KeepsServingUnderRandomFaultsAtFortyPercent) { random_faults(0.4); }

// Removes the control FIFOs that fiu-run made for the server and its
// children (children that _exit() leave theirs behind).
void remove_fifos(const std::string &prefix) {
    const auto slash = prefix.rfind('/');
    const std::string dir = prefix.substr(0, slash), base = prefix.substr(slash + 1);
    if (DIR *d = opendir(dir.c_str())) {
        while (dirent *e = readdir(d))
            if (std::string(e->d_name).rfind(base + "-", 0) == 0)
                unlink((dir + "/" + e->d_name).c_str());
        closedir(d);
    }
}

int fiu_ctrl(const std::string &prefix, const std::string &command, pid_t pid) {
    fixtures::Process p({"/usr/bin/fiu-ctrl", "-f", prefix, "-c", command, std::to_string(pid)});
    return p.exit_code(10s);
}

TEST(FaultConformance, ForkFaultSwitchedOnAndOffWithFiuCtrl) {
    const auto t = target();
    const std::string prefix = "/tmp/forkcheck-fiu-" + std::to_string(getpid());
    struct Cleanup {
        std::string prefix;
        ~Cleanup() { remove_fifos(prefix); }
    } cleanup{prefix};
    auto server = start(t, {}, prefix);
    ASSERT_TRUE(fixtures::poll_until([&] {
        return access((prefix + "-" + std::to_string(server->pid()) + ".in").c_str(), F_OK) == 0;
    })) << "fiu-run made no control FIFO for "
        << t.describe();
    EXPECT_TRUE(served(server->port(), t)) << "before any fault: no reply from " << t.describe();
    ASSERT_EQ(fiu_ctrl(prefix, "enable name=posix/proc/fork,failinfo=11", server->pid()), 0);
    const std::string during = exchange(server->port(), t, 2s);
    EXPECT_TRUE(during.empty() || during.find("busy") != std::string::npos)
        << "fiu-ctrl enabled posix/proc/fork (EAGAIN) in " << t.describe()
        << "; expected: a client is refused or told busy; happened: it got '" << during << "'";
    ASSERT_EQ(fiu_ctrl(prefix, "disable name=posix/proc/fork", server->pid()), 0);
    EXPECT_TRUE(served(server->port(), t))
        << "fiu-ctrl disabled posix/proc/fork again in " << t.describe()
        << "; expected: served again; happened: no reply";
    EXPECT_TRUE(alive_without_zombies(*server, "fork failing while switched on by fiu-ctrl"));
}

}  // namespace
