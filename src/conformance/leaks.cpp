// The parent's open-fd count returns to its baseline, and no child holds the
// listening socket.
#include <chrono>

#include "conformance/driver.hpp"
#include "conformance/invariants.hpp"
#include "conformance/zombies.hpp"
#include "probe/poll_until.hpp"
#include "probe/proc_scan.hpp"
#include "probe/test_client.hpp"

namespace conformance {
namespace {

using namespace std::chrono_literals;

// "child 4242 keeps the listening socket 127.0.0.1:38127 (fd 3)", if it does.
std::string listener_kept_by(pid_t child) {
    for (const auto &[fd, what] : probe::open_fds(child))
        if (what.starts_with("the listening socket"))
            return "child " + std::to_string(child) + " (" + probe::cmdline(child) + ") keeps " +
                   what + " (fd " + std::to_string(fd) + ")";
    return {};
}

// A child that has answered its client is past its set-up: if it still holds
// the listener (for catch_up_grace, in case it closes it just then), it keeps it.
std::string listener_kept_while_serving(const probe::Target &t,
                                        const probe::ServerProcess &server) {
    probe::TestClient witness(server.port());
    const bool worksheet = t.profile == probe::Profile::worksheet;
    if (!witness.send(worksheet ? "here" : "here\n") || !witness.read_line(5s)) return {};
    std::string holder;
    for (const auto &child : server.children()) {
        if (child.state == 'Z') continue;
        if (!probe::poll_until([&] { return !probe::holds_listening_socket(child.pid); },
                               catch_up_grace))
            holder = listener_kept_by(child.pid);
        if (!holder.empty()) break;
    }
    return holder;
}

// The parent's fds not in before, in words.
std::string new_fds(const std::map<int, std::string> &before,
                    const std::map<int, std::string> &now) {
    std::string extra;
    for (const auto &[fd, what] : now)
        if (!before.contains(fd))
            extra += (extra.empty() ? "" : "; ") + ("fd " + std::to_string(fd) + ": " + what);
    return extra;
}

}  // namespace

void no_leaks(const probe::Target &t, const Scenario &s) {
    auto server = probe::start_target(t);
    const auto before = probe::open_fds(server->pid());
    if (const std::string holder = listener_kept_while_serving(t, *server); !holder.empty())
        violated(holder + " after it had replied to its client's message");
    std::string holder;
    play(s, t, server->port(), [&] {
        // Every client is connected now: let the server fork for each.
        probe::poll_until([&] { return server->children().size() >= s.clients.size(); }, 2s);
        for (const auto &child : server->children()) {
            // A child fresh from fork() holds it until it gets to close it.
            const bool lets_go =
                probe::poll_until([&] { return !probe::holds_listening_socket(child.pid); }, 2s);
            if (!lets_go && holder.empty()) holder = listener_kept_by(child.pid);
        }
    });
    if (!holder.empty()) violated(holder + " 2 s after it was forked, while serving its client");
    // Every connection accepted and its child ended (zombies hold no fds and
    // are another invariant's business), then count; a parent preempted
    // between fork() and close() gets catch_up_grace to catch up.
    const auto count = [&](const std::string &when) {
        children_left(*server, false);
        std::map<int, std::string> now;
        if (probe::poll_until(
                [&] { return (now = probe::open_fds(server->pid())).size() <= before.size(); },
                catch_up_grace))
            return;
        violated(when + ", the parent (pid " + std::to_string(server->pid()) + ") had " +
                 std::to_string(now.size()) + " open fds, " + std::to_string(before.size()) +
                 " before any client came; new: " + new_fds(before, now));
    };
    count("once every client had left and its child had ended");
    if (s.burst == 0) return;
    burst(t, server->port(), s.burst);
    count("after a burst of " + std::to_string(s.burst) +
          " more clients that closed in the same instant, once their children had ended");
}

}  // namespace conformance
