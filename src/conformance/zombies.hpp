// SPDX-License-Identifier: MIT
// Waiting for a server's children to go once its clients have left, deciding
// as soon as the evidence is certain.
#pragma once

#include <chrono>
#include <map>
#include <optional>
#include <string>

#include "probe/server_process.hpp"

namespace conformance {

// A server reaping on SIGCHLD does so within milliseconds of a child's exit
// (zombie lives measured under load: median 8 ms, maximum 111 ms); one that
// reaps on a timer, as Python's ForkingTCPServer does at each 0.5 s poll
// tick, within that period. A child still Z after twice the tick, while no
// client comes, is never going to be reaped.
inline constexpr std::chrono::milliseconds zombie_grace{1000};
// How long a process preempted mid-step (a parent between fork() and
// close(), a child just before closing the listener) is given to finish it,
// and how long a parent blocked in wait() is watched before it is stuck.
inline constexpr std::chrono::milliseconds catch_up_grace{500};
// How long a live child may outlive every client (a child lingering on a
// socket the client closed is a separate bug from a missed reap).
inline constexpr std::chrono::milliseconds live_child_bound{5000};

// Waits, with no client connected, until the server has accepted every
// connection and has no child left. Returns "" then; otherwise what stayed,
// in words with the pids: zombies once one has been Z for zombie_grace, live
// children once live_child_bound has passed. With zombies false, only live
// children are waited for (zombies hold no fds).
std::string children_left(const probe::ServerProcess &server, bool zombies = true);

// Whether the server has finished with every connection it accepted: none
// waits in its accept queue and it is blocked waiting for the next client.
bool idle(const probe::ServerProcess &server);

// The parent's open fds, if it keeps more than `before` once it has
// finished with its connections (seen idle, or after catch_up_grace); nullopt
// as soon as it is back to `before`.
std::optional<std::map<int, std::string>> fds_kept(const probe::ServerProcess &server,
                                                   const std::map<int, std::string> &before);

}  // namespace conformance
