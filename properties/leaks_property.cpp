// Invariant 3: the parent's open-fd count returns to its baseline, and no
// child holds the listening socket.
#include <chrono>

#include "conformance.hpp"
#include "fixtures/poll_until.hpp"

namespace props {

RC_GTEST_PROP(Conformance, NoLeaks, ()) {
    const auto &t = target();
    const auto s = *gen::scenario(t, max_clients(), true);
    auto server = start_server();
    const int baseline = fixtures::open_fd_count(server->pid());
    std::string holder;
    play(s, t, server->port(), [&] {
        for (const auto &child : server->children()) {
            // A child fresh from fork() holds it until it gets to close it.
            const bool lets_go =
                fixtures::poll_until([&] { return !fixtures::holds_listening_socket(child.pid); },
                                     std::chrono::seconds(2));
            if (!lets_go && holder.empty()) holder = std::to_string(child.pid);
        }
    });
    if (!holder.empty()) violated("child " + holder + " keeps the listening socket open");
    // Every connection accepted and its child ended (zombies hold no fds and
    // are another property's business), then count.
    server->childless_within(std::chrono::seconds(5), false);
    int now = -1;
    if (!fixtures::poll_until(
            [&] { return (now = fixtures::open_fd_count(server->pid())) == baseline; },
            std::chrono::seconds(5)))
        violated("the parent has " + std::to_string(now) + " open fds once every client left, " +
                 std::to_string(baseline) + " before any came");
}

}  // namespace props
