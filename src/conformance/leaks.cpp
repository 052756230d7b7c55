// The parent's open-fd count returns to its baseline, and no child holds the
// listening socket.
#include <chrono>

#include "conformance/driver.hpp"
#include "conformance/generators.hpp"
#include "conformance/invariants.hpp"
#include "probe/poll_until.hpp"
#include "probe/proc_scan.hpp"

namespace conformance {
namespace {

// "child 4242 keeps the listening socket 127.0.0.1:38127 (fd 3)", if it does.
std::string listener_kept_by(pid_t child) {
    for (const auto &[fd, what] : probe::open_fds(child))
        if (what.starts_with("the listening socket"))
            return "child " + std::to_string(child) + " (" + probe::cmdline(child) + ") keeps " +
                   what + " (fd " + std::to_string(fd) + ")";
    return {};
}

}  // namespace

void no_leaks(const probe::Target &t) {
    const auto s = *gen::scenario(t, gen::max_clients, true);
    auto server = probe::start_target(t);
    const auto before = probe::open_fds(server->pid());
    std::string holder;
    play(s, t, server->port(), [&] {
        // Every client is connected now: let the server fork for each.
        probe::poll_until([&] { return server->children().size() >= s.clients.size(); },
                          std::chrono::seconds(2));
        for (const auto &child : server->children()) {
            // A child fresh from fork() holds it until it gets to close it.
            const bool lets_go = probe::poll_until(
                [&] { return !probe::holds_listening_socket(child.pid); }, std::chrono::seconds(2));
            if (!lets_go && holder.empty()) holder = listener_kept_by(child.pid);
        }
    });
    if (!holder.empty()) violated(holder + " 2 s after it was forked, while serving its client");
    // Every connection accepted and its child ended (zombies hold no fds and
    // are another invariant's business), then count.
    server->childless_within(std::chrono::seconds(5), false);
    std::map<int, std::string> now;
    if (probe::poll_until(
            [&] { return (now = probe::open_fds(server->pid())).size() <= before.size(); },
            std::chrono::seconds(5)))
        return;
    std::string extra;
    for (const auto &[fd, what] : now)
        if (!before.contains(fd))
            extra += (extra.empty() ? "" : "; ") + ("fd " + std::to_string(fd) + ": " + what);
    violated("once every client had left, the parent (pid " + std::to_string(server->pid()) +
             ") had " + std::to_string(now.size()) + " open fds, " + std::to_string(before.size()) +
             " before any client came; new: " + extra);
}

}  // namespace conformance
