// Waiting for a server's children to go once its clients have left, deciding
// as soon as the evidence is certain.
#pragma once

#include <chrono>
#include <string>

#include "probe/server_process.hpp"

namespace conformance {

// A correct server reaps a child within milliseconds of its exit (zombie
// lives measured under load: median 8 ms, maximum 111 ms). A child still Z
// after this, while no client comes, is never going to be reaped.
inline constexpr std::chrono::milliseconds zombie_grace{500};
// How long a live child may outlive every client (a child lingering on a
// socket the client closed is a separate bug from a missed reap).
inline constexpr std::chrono::milliseconds live_child_bound{5000};

// Waits, with no client connected, until the server has accepted every
// connection and has no child left. Returns "" then; otherwise what stayed,
// in words with the pids: zombies once one has been Z for zombie_grace, live
// children once live_child_bound has passed. With zombies false, only live
// children are waited for (zombies hold no fds).
std::string children_left(const probe::ServerProcess &server, bool zombies = true);

}  // namespace conformance
