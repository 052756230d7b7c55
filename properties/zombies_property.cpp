// Invariant 2: once every client is gone, within a bounded time the server
// has no child left, live or zombie.
#include <chrono>

#include "conformance.hpp"

namespace props {

RC_GTEST_PROP(Conformance, NoZombies, ()) {
    const auto &t = target();
    const auto s = *gen::scenario(t, max_clients(), true);
    auto server = start_server();
    play(s, t, server->port());
    if (!server->childless_within(std::chrono::seconds(5))) {
        int zombies = 0;
        const auto kids = server->children();
        for (const auto &k : kids) zombies += k.state == 'Z';
        violated(std::to_string(kids.size()) +
                 " children still there 5 s after every client left (" + std::to_string(zombies) +
                 " of them zombies)");
    }
}

}  // namespace props
