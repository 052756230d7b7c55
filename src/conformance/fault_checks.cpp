// SPDX-License-Identifier: MIT
#include "conformance/fault_checks.hpp"

#include <dirent.h>
#include <poll.h>
#include <signal.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cstdio>
#include <memory>
#include <sstream>
#include <string>
#include <vector>

#include "inject/schedule.hpp"
#include "probe/poll_until.hpp"
#include "probe/proc_scan.hpp"
#include "probe/process.hpp"
#include "probe/server_process.hpp"
#include "probe/test_client.hpp"

using namespace std::chrono_literals;

namespace conformance {
namespace {

// The failures of one check, in words; empty if it held.
class Failures {
public:
    void expect(bool ok, const std::string &why) {
        if (!ok) add(why);
    }
    void add(const std::string &why) {
        if (!why.empty()) text_ += (text_.empty() ? "" : "\n") + why;
    }
    const std::string &text() const { return text_; }

private:
    std::string text_;
};

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
std::vector<std::string> target_argv(const probe::Target &t) {
    if (!t.is_own_server()) return t.command;
    std::vector<std::string> argv = probe::serverfork_argv(t, "{port}");
    if (t.profile == probe::Profile::worksheet) argv.insert(argv.end(), {"--framing", "raw"});
    return argv;
}

std::unique_ptr<probe::ServerProcess> start_as(const probe::Target &t,
                                               std::vector<std::string> command, int attempts = 3) {
    probe::Target wrapped = t;
    wrapped.command = std::move(command);
    return probe::start_target(wrapped, {}, attempts);
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
std::unique_ptr<probe::ServerProcess> start(const probe::Target &t,
                                            const std::vector<std::string> &commands,
                                            const std::string &ctrl = "") {
    return start_as(t, under_fiu_run_x(target_argv(t), commands, ctrl));
}

// The target started with libfiu's POSIX preload under a schedule whose
// counters prove that the fault fired, in any server.
std::unique_ptr<probe::ServerProcess> start(const probe::Target &t, const faults::Schedule &s,
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
std::string unreached(const faults::FaultState &state, const faults::Schedule &s,
                      const std::string &what) {
    // The clients are done by now.
    if (probe::poll_until([&] { return state.fired(0) > 0; }, 2s)) return {};
    return what + ": the fault never fired (" + std::to_string(state.calls(0)) + " calls of " +
           s[0].point +
           " seen). libfiu's POSIX preload reaches the libc calls accept, fork, recv, recvfrom, "
           "send, sendto, read and write; a server that calls accept4, or is linked statically, "
           "cannot be tested this way";
}

// One message and whatever reply arrives within the limit ("" if none: a
// close, a reset or silence).
std::string exchange(int port, const probe::Target &t, std::chrono::milliseconds limit = 5s) {
    try {
        probe::TestClient c(port);
        if (!c.send(t.profile == probe::Profile::worksheet ? "hello" : "hello\n")) return "";
        const auto line = c.read_line(limit);
        return line ? *line : "";
    } catch (const std::runtime_error &) {
        return "";
    }
}

bool served(int port, const probe::Target &t) {
    // A server that answers without a newline (the worksheet's) is served too.
    for (int attempt = 0; attempt < 3; ++attempt) {
        try {
            probe::TestClient c(port);
            if (!c.send(t.profile == probe::Profile::worksheet ? "hello" : "hello\n")) continue;
            if (c.read_line(3s)) return true;
            return !c.closed_by_server(100ms);
        } catch (const std::runtime_error &) {
        }
    }
    return false;
}

// Zombies among the server's children (they must be reaped).
std::vector<pid_t> zombies(const probe::ServerProcess &s) {
    std::vector<pid_t> z;
    for (const auto &k : s.children())
        if (k.state == 'Z') z.push_back(k.pid);
    return z;
}

std::string dead_or_zombies(probe::ServerProcess &s, const std::string &what) {
    if (!s.process().running())
        return what + "; expected: the server survives; happened: it exited (status " +
               std::to_string(s.process().exit_code(0ms)) + "). stderr:\n" + s.err();
    std::vector<pid_t> z;
    if (!probe::poll_until([&] { return (z = zombies(s)).empty(); }, 10s)) {
        std::string pids;
        for (pid_t p : z) pids += (pids.empty() ? "" : ", ") + std::to_string(p);
        return what + "; expected: every finished child reaped; happened: zombies (pids " + pids +
               ") still there after 10 s";
    }
    return {};
}

// The first call of point in the whole server fails.
std::string survives_one_failure(const probe::Target &t, const std::string &point, int error,
                                 const std::string &own_log) {
    const faults::Schedule s{{point, 1, error, 1}};
    faults::FaultState state;
    auto server = start(t, s, state);
    const std::string what = injected(s) + " against " + t.describe();
    const std::string first = exchange(server->port(), t);
    Failures f;
    f.add(unreached(state, s, what));
    f.expect(served(server->port(), t),
             what +
                 "; expected: the next client is served; happened: no reply. First client got '" +
                 first + "'. stderr:\n" + server->err());
    f.add(dead_or_zombies(*server, what));
    if (t.is_own_server())
        f.expect(server->err_contains(own_log), what + "; expected in serverfork's log: " +
                                                    own_log + "; stderr:\n" + server->err());
    return f.text();
}

// Every recv (or send) of every child fails.
std::string children_fail(const probe::Target &t, const std::string &point, int error,
                          const std::string &own_log) {
    const faults::Schedule s{{point, 1, error, 0}};
    faults::FaultState state;
    auto server = start(t, s, state);
    const std::string what = injected(s) + " against " + t.describe();
    for (int i = 0; i < 3; ++i) (void)exchange(server->port(), t, 2s);
    Failures f;
    f.add(unreached(state, s, what));
    f.add(dead_or_zombies(*server, what));
    if (t.is_own_server())
        f.expect(server->err_contains(own_log),
                 what + "; the fault did not fire: expected in serverfork's log: " + own_log +
                     "; stderr:\n" + server->err());
    return f.text();
}

std::string random_faults(const probe::Target &t, double probability) {
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
    Failures f;
    f.expect(ok > 0, what + "; expected: some of 20 clients served; happened: none");
    f.add(dead_or_zombies(*server, what));
    return f.text();
}

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
    probe::Process p({"/usr/bin/fiu-ctrl", "-f", prefix, "-c", command, std::to_string(pid)});
    return p.exit_code(10s);
}

std::string fiu_ctrl_switch(const probe::Target &t) {
    const std::string prefix = "/tmp/forkcheck-fiu-" + std::to_string(getpid());
    struct Cleanup {
        std::string prefix;
        ~Cleanup() { remove_fifos(prefix); }
    } cleanup{prefix};
    auto server = start(t, {}, prefix);
    if (!probe::poll_until([&] {
            return access((prefix + "-" + std::to_string(server->pid()) + ".in").c_str(), F_OK) ==
                   0;
        }))
        return "fiu-run made no control FIFO for " + t.describe();
    Failures f;
    f.expect(served(server->port(), t), "before any fault: no reply from " + t.describe());
    if (fiu_ctrl(prefix, "enable name=posix/proc/fork,failinfo=11", server->pid()) != 0)
        return "fiu-ctrl could not enable posix/proc/fork in " + t.describe();
    const std::string during = exchange(server->port(), t, 2s);
    f.expect(during.empty() || during.find("busy") != std::string::npos,
             "fiu-ctrl enabled posix/proc/fork (EAGAIN) in " + t.describe() +
                 "; expected: a client is refused or told busy; happened: it got '" + during + "'");
    if (fiu_ctrl(prefix, "disable name=posix/proc/fork", server->pid()) != 0)
        return "fiu-ctrl could not disable posix/proc/fork in " + t.describe();
    f.expect(served(server->port(), t), "fiu-ctrl disabled posix/proc/fork again in " +
                                            t.describe() +
                                            "; expected: served again; happened: no reply");
    f.add(dead_or_zombies(*server, "fork failing while switched on by fiu-ctrl"));
    return f.text();
}

}  // namespace

const std::vector<FaultCheck> &fault_checks() {
    static const std::vector<FaultCheck> all = {
        {"SurvivesAcceptFailingWithEMFILE",
         [](const probe::Target &t) {
             return survives_one_failure(t, "posix/io/net/accept", EMFILE, "accept failed: EMFILE");
         }},
        {"SurvivesAcceptFailingWithECONNABORTED",
         [](const probe::Target &t) {
             return survives_one_failure(t, "posix/io/net/accept", ECONNABORTED,
                                         "accept failed: ECONNABORTED");
         }},
        {"SurvivesForkFailures",
         [](const probe::Target &t) {
             return survives_one_failure(t, "posix/proc/fork", EAGAIN, "fork failed: EAGAIN");
         }},
        {"NoZombiesWhenRecvFails",
         [](const probe::Target &t) {
             return children_fail(t, "posix/io/net/recv", ECONNRESET, "recv failed: ECONNRESET");
         }},
        {"NoZombiesWhenSendFails",
         [](const probe::Target &t) {
             return children_fail(t, "posix/io/net/send", EPIPE, "send failed: EPIPE");
         }},
        {"KeepsServingUnderRandomFaultsAtTenPercent",
         [](const probe::Target &t) { return random_faults(t, 0.1); }},
        {"KeepsServingUnderRandomFaultsAtFortyPercent",
         [](const probe::Target &t) { return random_faults(t, 0.4); }},
        {"ForkFaultSwitchedOnAndOffWithFiuCtrl", fiu_ctrl_switch},
    };
    return all;
}

Verdict run_fault_check(const FaultCheck &check, const probe::Target &t) {
    const auto start = std::chrono::steady_clock::now();
    Verdict v;
    v.name = "faults: " + std::string(check.name);
    v.cases = 1;
    try {
        v.reason = check.run(t);
    } catch (const std::exception &e) {
        v.reason = e.what();
    }
    v.kind = v.reason.empty() ? Verdict::Kind::pass : Verdict::Kind::fail;
    v.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    return v;
}

}  // namespace conformance
