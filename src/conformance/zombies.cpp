// Once every client is gone, within a bounded time the server has no child
// left, live or zombie.
#include <chrono>

#include "conformance/driver.hpp"
#include "conformance/generators.hpp"
#include "conformance/invariants.hpp"
#include "probe/proc_scan.hpp"

namespace conformance {

void no_zombies(const probe::Target &t) {
    const auto s = *gen::scenario(t, gen::max_clients, true);
    auto server = probe::start_target(t);
    play(s, t, server->port());
    constexpr auto bound = std::chrono::seconds(5);
    if (server->childless_within(bound)) return;
    std::string zombies, live;
    for (const auto &k : server->children()) {
        std::string &list = k.state == 'Z' ? zombies : live;
        list += (list.empty() ? "" : ", ") + std::to_string(k.pid);
    }
    std::string why = "every client had left, but 5 s later the server (pid " +
                      std::to_string(server->pid()) + ") still had ";
    if (!zombies.empty()) why += "zombie children it never reaped (pids " + zombies + ", state Z)";
    if (!zombies.empty() && !live.empty()) why += " and ";
    if (!live.empty()) why += "live children that outlived their clients (pids " + live + ")";
    violated(why);
}

}  // namespace conformance
