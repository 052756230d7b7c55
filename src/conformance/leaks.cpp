// SPDX-License-Identifier: MIT
// The parent's open-fd count returns to its baseline, and no child holds the
// listening socket.
#include <chrono>
#include <optional>

#include "conformance/driver.hpp"
#include "conformance/invariants.hpp"
#include "conformance/wording.hpp"
#include "conformance/zombies.hpp"
#include "probe/poll_until.hpp"
#include "probe/proc_scan.hpp"
#include "probe/test_client.hpp"

namespace conformance {
namespace {

using namespace std::chrono_literals;

// How long a child fresh from fork() is given to close the listener.
constexpr auto set_up_grace = 2s;

using Holder = std::optional<wording::ListenerHolder>;

// The child's fd on the listening socket, if it holds one.
Holder listener_kept_by(pid_t child) {
    for (const auto &[fd, what] : probe::open_fds(child))
        if (what.starts_with("the listening socket"))
            return wording::ListenerHolder{child, probe::cmdline(child), fd, what};
    return {};
}

// Whether child still holds the listener once it is past its set-up: seen
// waiting for its client's bytes, or after grace.
bool keeps_listener(pid_t child, std::chrono::milliseconds grace) {
    bool held = true;
    probe::poll_until(
        [&] {
            // Waiting before the look: a listener it holds then, it keeps.
            const bool serving = !probe::awaiting_input(child).empty();
            held = probe::holds_listening_socket(child);
            return !held || serving;
        },
        grace);
    return held;
}

// A child that has answered its client is past its set-up: if it still holds
// the listener (for catch_up_grace, in case it closes it just then), it keeps it.
Holder listener_kept_while_serving(const probe::Target &t, const probe::ServerProcess &server) {
    probe::TestClient witness(server.port());
    const bool worksheet = t.profile == probe::Profile::worksheet;
    std::string held;
    if (!witness.send(worksheet ? "here" : "here\n") || !await_line(witness, server.port(), held))
        return {};
    Holder holder;
    for (const auto &child : server.children()) {
        if (child.state == 'Z') continue;
        if (keeps_listener(child.pid, catch_up_grace)) holder = listener_kept_by(child.pid);
        if (holder) break;
    }
    return holder;
}

}  // namespace

void no_leaks(const probe::Target &t, const Scenario &s) {
    auto server = probe::start_target(t);
    const auto before = probe::open_fds(server->pid());
    if (const Holder holder = listener_kept_while_serving(t, *server))
        violated(wording::listener_kept_after_reply(*holder));
    Holder holder;
    play(s, t, server->port(), [&] {
        // Every client is connected now: let the server fork for each (some
        // children may have ended already, after a goodbye; a parent blocked
        // in wait() forks for none until a child ends).
        probe::poll_until(
            [&] {
                return server->children().size() >= s.clients.size() || idle(*server) ||
                       !probe::blocked_in_wait(server->pid()).empty();
            },
            2s);
        for (const auto &child : server->children()) {
            // A child fresh from fork() holds it until it gets to close it.
            if (!holder && child.state != 'Z' && keeps_listener(child.pid, set_up_grace))
                holder = listener_kept_by(child.pid);
        }
    });
    if (holder) violated(wording::listener_kept_while_serving(*holder, set_up_grace));
    // Every connection accepted and its child ended (zombies hold no fds and
    // are another invariant's business), then count once the parent is idle.
    const auto count = [&](const std::string &when) {
        children_left(*server, false);
        if (const auto now = fds_kept(*server, before))
            violated(wording::fds_gained(when, server->pid(), before, *now));
    };
    count(wording::when_clients_left());
    if (s.burst == 0) return;
    burst(t, server->port(), s.burst);
    count(wording::when_burst_left(s.burst));
}

}  // namespace conformance
