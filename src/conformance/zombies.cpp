// Once every client is gone the server has no child left: a child that has
// ended is reaped at once, and none outlives its client.
#include "conformance/zombies.hpp"

#include <map>

#include "conformance/driver.hpp"
#include "conformance/invariants.hpp"
#include "probe/poll_until.hpp"
#include "probe/proc_scan.hpp"

namespace conformance {
namespace {

using clock = std::chrono::steady_clock;

std::string pid_list(const std::vector<pid_t> &pids) {
    std::string s;
    for (pid_t p : pids) s += (s.empty() ? "" : ", ") + std::to_string(p);
    return s;
}

}  // namespace

std::string children_left(const probe::ServerProcess &server, bool zombies) {
    // Childless this long with nothing queued: the fork that follows an
    // accept() has had its moment.
    constexpr auto settled = std::chrono::milliseconds(30);
    const auto start = clock::now();
    const auto never = clock::time_point::max();
    auto childless_since = never;
    std::map<pid_t, clock::time_point> zombie_since;
    std::string why;
    probe::poll_until(
        [&] {
            const auto now = clock::now();
            const auto kids = server.children();
            std::vector<pid_t> live, old_zombies;
            std::map<pid_t, clock::time_point> still;
            for (const auto &k : kids) {
                if (k.state != 'Z') {
                    live.push_back(k.pid);
                    continue;
                }
                if (!zombies) continue;
                const auto it = zombie_since.find(k.pid);
                const auto since = it == zombie_since.end() ? now : it->second;
                still[k.pid] = since;
                if (now - since >= zombie_grace) old_zombies.push_back(k.pid);
            }
            zombie_since = std::move(still);
            if (!old_zombies.empty()) {
                why = "the server (pid " + std::to_string(server.pid()) +
                      ") had zombie children it did not reap (pids " + pid_list(old_zombies) +
                      ", still in state Z " + std::to_string(zombie_grace.count()) +
                      " ms after they ended, while no client came)";
                if (!live.empty()) why += " and live children (pids " + pid_list(live) + ")";
                return true;
            }
            if (live.empty() && zombie_since.empty() && probe::accept_backlog(server.port()) <= 0) {
                if (childless_since == never) childless_since = now;
                return now - childless_since >= settled;
            }
            childless_since = never;
            if (now - start >= live_child_bound && !live.empty()) {
                why = std::to_string(live_child_bound.count() / 1000) +
                      " s later the server (pid " + std::to_string(server.pid()) +
                      ") still had live children that outlived their clients (pids " +
                      pid_list(live) + ")";
                return true;
            }
            return false;
        },
        live_child_bound + zombie_grace + std::chrono::seconds(1));
    return why;
}

void no_zombies(const probe::Target &t, const Scenario &s) {
    auto server = probe::start_target(t);
    play(s, t, server->port());
    if (const std::string why = children_left(*server); !why.empty())
        violated("every client had left, but " + why);
    if (s.burst == 0) return;
    burst(t, server->port(), s.burst);
    if (const std::string why = children_left(*server); !why.empty())
        violated("after a burst of " + std::to_string(s.burst) +
                 " clients that closed in the same instant, " + why);
}

}  // namespace conformance
