// SPDX-License-Identifier: MIT
#include "faults/expectations.hpp"

#include <cerrno>

#include "inject/schedule.hpp"
#include "sys/errno_text.hpp"

namespace faults {
namespace {

using S = Scenario;

constexpr std::string_view startup_behaviour =
    "serverfork prints one line naming the call, the address and the errno, exits 1";
constexpr std::string_view served = "logged; the client is served, others untouched";

const Expectation table[] = {
    {"sys/net/socket", 0, S::startup, false, "socket 127.0.0.1:0: %E", startup_behaviour},
    {"sys/net/setsockopt", 0, S::startup, false, "setsockopt SO_REUSEADDR 127.0.0.1:0: %E",
     startup_behaviour},
    {"sys/net/bind", 0, S::startup, false, "bind 127.0.0.1:0: %E", startup_behaviour},
    {"sys/net/listen", 0, S::startup, false, "listen 127.0.0.1:0: %E", startup_behaviour},
    {"sys/net/getsockname", 0, S::startup, false, "getsockname 127.0.0.1:0: %E", startup_behaviour},
    // msgclient's look-up fails the same way: faults/client_test.cpp.
    {"sys/net/getaddrinfo", 0, S::startup, false, "address 127.0.0.1:0: %E", startup_behaviour},
    {"sys/io/pipe", 0, S::startup, false, "pipe failed: %E",
     "serverfork prints one line naming the call and the errno, exits 1"},
    {"sys/proc/sigaction", 0, S::startup, false, "sigaction SIGCHLD failed: %E",
     "serverfork prints one line naming the call and the errno, exits 1"},
    {"sys/proc/sigprocmask", 0, S::startup, false, "sigprocmask failed: %E",
     "serverfork prints one line naming the call and the errno, exits 1"},
    {"sys/net/accept", EMFILE, S::accept, true, "accept failed: %E; pausing accepts for 100 ms",
     "accepts pause 100 ms (no spinning), then the waiting client is served"},
    {"sys/net/accept", ENFILE, S::accept, true, "accept failed: %E; pausing accepts for 100 ms",
     "accepts pause 100 ms (no spinning), then the waiting client is served"},
    {"sys/net/accept", ENOBUFS, S::accept, true, "accept failed: %E; pausing accepts for 100 ms",
     "accepts pause 100 ms (no spinning), then the waiting client is served"},
    {"sys/net/accept", ENOMEM, S::accept, true, "accept failed: %E; pausing accepts for 100 ms",
     "accepts pause 100 ms (no spinning), then the waiting client is served"},
    {"sys/net/accept", 0, S::accept, true, "accept failed: %E; continuing",
     "logged, the next accept goes on at once; the client is served"},
    {"sys/proc/fork", 0, S::fork, false, "fork failed: %E; refusing",
     "that client gets 'Error: server busy' and a close; the parent keeps serving"},
    {"sys/proc/waitpid", EINTR, S::waitpid, true, "",
     "retried at once, silently; the child is reaped"},
    {"sys/proc/waitpid", 0, S::waitpid, true, "waitpid failed: %E; retrying in 100 ms",
     "logged, retried every 100 ms; the child is reaped, no zombie"},
    {"sys/io/poll", EINTR, S::parent_poll, true, "", "the parent's wait is retried silently"},
    {"sys/io/poll", 0, S::parent_poll, true, "poll failed: %E; retrying in 100 ms",
     "the parent logs, pauses 100 ms and serves on; while every poll fails, it still "
     "reaps each child that exits"},
    {"sys/io/close", 0, S::close, true, "",
     "ignored: Linux frees the fd even then; no fd leaks, clients served"},
    {"sys/net/recv", EINTR, S::child_recv, true, "", "retried silently; the client is served"},
    {"sys/net/recv", 0, S::child_recv, false, "recv failed: %E",
     "that child logs and exits 1; its client sees a close; others untouched"},
    {"sys/net/send", EINTR, S::child_send, true, "", "retried silently; the reply arrives"},
    {"sys/net/send", EAGAIN, S::child_send, true, "",
     "waits for the socket to drain, retries; the reply arrives"},
    {"sys/net/send", 0, S::child_send, false, "send failed: %E",
     "that child logs and exits 1; its client sees a close; others untouched"},
    {"sys/proc/setitimer", 0, S::child_timer, false, "setitimer failed: %E",
     "that child logs and exits 1; its client sees a close; others untouched"},
    {"sys/net/shutdown", 0, S::child_shutdown, true, "",
     "after quit: the goodbye arrives, the child closes at once (no linger)"},
    {"sys/proc/kill", 0, S::kill, true, "kill failed: %E",
     "at shutdown: logged; SIGKILL follows after 2 s, the server exits 0, no child left"},
    {"sys/net/connect", EINTR, S::client_connect, false, "msgclient: server closed the connection",
     "injected, EINTR skips the real connect: msgclient sees it at its first send; one line, "
     "exit 1"},
    {"sys/net/connect", 0, S::client_connect, false, "cannot connect to 127.0.0.1:",
     "msgclient: one line 'cannot connect to HOST:PORT: reason', exit 1"},
    {"sys/net/getsockopt", 0, S::client_getsockopt, false, "cannot connect to 127.0.0.1:",
     "msgclient: one line 'cannot connect to HOST:PORT: reason', exit 1"},
    {"sys/io/read", EINTR, S::client_read, true, "", "msgclient: retried; the session runs"},
    {"sys/io/read", 0, S::client_read, false,
     "msgclient: reading input: ", "msgclient: one line 'reading input: reason', exit 1"},
    {"sys/net/recv/reduce", 0, S::short_io, true, "",
     "every recv returns 1 byte: replies unchanged (the property suite's reply invariant)"},
    {"sys/net/send/reduce", 0, S::short_io, true, "",
     "every send sends 1 byte: replies unchanged, nothing lost"},
};

}  // namespace

std::span<const Expectation> expectations() { return table; }

std::string expected_log(const Expectation &e, int error) {
    std::string log(e.log);
    if (const auto at = log.find("%E"); at != std::string::npos)
        log.replace(at, 2, sys::errno_text(error));
    return log;
}

const Expectation *expectation_for(std::string_view point, int error) {
    const Expectation *any = nullptr;
    for (const auto &e : table) {
        if (e.point != point) continue;
        if (e.error == error) return &e;
        if (e.error == 0 && any == nullptr) any = &e;
    }
    return any;
}

std::vector<Cell> all_cells() {
    std::vector<Cell> cells;
    for (const auto &fp : sys::fault_points()) {
        if (fp.reduce) cells.push_back({&fp, 0});
        for (const int e : fp.errnos) cells.push_back({&fp, e});
    }
    return cells;
}

std::string markdown_table() {
    std::string s =
        "| point | errno | expected behaviour | log line contains |\n"
        "| --- | --- | --- | --- |\n";
    for (const auto &c : all_cells()) {
        const Expectation *e = expectation_for(c.point->name, c.error);
        const std::string log = e != nullptr ? expected_log(*e, c.error) : "";
        s += "| `" + std::string(c.point->name) + "` | " +
             (c.error != 0 ? errno_name(c.error) : "(1 byte)") + " | " +
             (e != nullptr ? std::string(e->behaviour) : "**untested: no expectation**") + " | " +
             (log.empty() ? "(nothing)" : "`" + log + "`") + " |\n";
    }
    return s;
}

}  // namespace faults
