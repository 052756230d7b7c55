// SPDX-License-Identifier: MIT
// The sentences an invariant fails with, built from its evidence alone (pids,
// fds, milliseconds, expected and received lines), so that each can be
// checked on a made-up case without a server.
#pragma once

#include <sys/types.h>

#include <chrono>
#include <cstddef>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "conformance/driver.hpp"

namespace conformance::wording {

// "4242, 4243"
std::string pid_list(const std::vector<pid_t> &pids);

// replies, liveness-and-isolation. "client 2 expected the replies [...] but
// got [...], then the server closed the connection"; what ended the reading
// is told only where replies are missing, or always with tell_end.
std::string replies_differ(std::size_t client, const std::vector<std::string> &want,
                           const Observed &got, bool tell_end = false);
// replies: the close owed after the last reply did not come.
std::string no_close_after_replies(std::size_t client, bool said_quit);

// no-zombies. "the server (pid 100) had zombie children it did not reap (pids
// 101, still in state Z 1000 ms after they ended, while no client came)".
std::string zombies_left(pid_t server, const std::vector<pid_t> &zombies,
                         std::chrono::milliseconds grace, const std::vector<pid_t> &live);
// "5 s later the server (pid 100) still had live children ..."
std::string live_children_left(pid_t server, std::chrono::milliseconds bound,
                               const std::vector<pid_t> &live);
// What children_left found, once every client had left or after a burst.
std::string left_after_clients(const std::string &children);
std::string left_after_burst(int clients, const std::string &children);

// no-leaks: a child holding the listening socket, as /proc shows it.
struct ListenerHolder {
    pid_t pid;
    std::string cmdline;  // as ps shows it
    int fd;
    std::string what;  // "the listening socket 127.0.0.1:38127"
};
// "child 4242 (python3 server.py) keeps the listening socket 127.0.0.1:38127
// (fd 3)", then when it was seen.
std::string listener_kept_after_reply(const ListenerHolder &h);
std::string listener_kept_while_serving(const ListenerHolder &h,
                                        std::chrono::milliseconds after_fork);
// The parent's fds in now and not in before: "fd 5: ...; fd 6: ...".
std::string new_fds(const std::map<int, std::string> &before,
                    const std::map<int, std::string> &now);
// "once every client had left ..., the parent (pid 100) had 6 open fds, 5
// before any client came; new: fd 5: ..."
std::string fds_gained(const std::string &when, pid_t parent,
                       const std::map<int, std::string> &before,
                       const std::map<int, std::string> &now);
std::string when_clients_left();
std::string when_burst_left(int clients);

// liveness-and-isolation.
std::string first_client_unserved(const std::string &message, const std::string &why_no_line);
std::string while_another_stayed(const std::string &failure);
std::string stayer_unserved(const std::string &message, const std::string &why_no_line);
// A client's connection (who: "a fresh client") waited unaccepted while
// the server sat in wait_call (wait4, waitid) for stuck_for.
std::string never_accepted(const std::string &who, pid_t server, const std::string &wait_call,
                           std::chrono::milliseconds stuck_for, const std::vector<pid_t> &live);
std::string no_reply_within(const std::string &who, std::chrono::milliseconds limit);

// What kept a client of a scenario from its replies (Observed::trouble).
std::string send_failed(std::size_t nth);
// "client 3's send of 995 bytes failed: Connection reset by peer".
std::string client_send_failed(int client, std::size_t bytes, int error);
// ": the reply was held back: ..." when held says what the server's side
// showed (see no_reply_in_lockstep), else "".
std::string held_back(const std::string &held, std::chrono::milliseconds settle);
// held: the server's side while the reply did not come, when it showed the
// reply held back ("pid 4242 (./server) in read(4)", for settle), else "".
std::string no_reply_in_lockstep(const std::string &message, const std::string &why_no_line,
                                 const std::string &held, std::chrono::milliseconds settle);
std::string no_reply(const std::string &chunk, const std::string &why_no_line,
                     const std::string &held, std::chrono::milliseconds settle);

// stateful-model. "client 1 expected \"Hello, World!\" but the server closed
// the connection 503 ms after the client's half-close"; at_end: while the
// owed replies were collected after the last step.
std::string read_differs(int client, const std::string &want, const std::optional<std::string> &got,
                         const std::string &why_no_line, bool at_end);
std::string no_close_within(int client, std::chrono::milliseconds limit);

}  // namespace conformance::wording
