// SPDX-License-Identifier: MIT
// Once every client is gone the server has no child left: a child that has
// ended is reaped at once, and none outlives its client.
#include "conformance/zombies.hpp"

#include <map>

#include "conformance/driver.hpp"
#include "conformance/invariants.hpp"
#include "conformance/wording.hpp"
#include "probe/poll_until.hpp"
#include "probe/proc_scan.hpp"

namespace conformance {
namespace {

using clock = std::chrono::steady_clock;

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
                why = wording::zombies_left(server.pid(), old_zombies, zombie_grace, live);
                return true;
            }
            if (live.empty() && zombie_since.empty() && probe::accept_backlog(server.port()) <= 0) {
                if (childless_since == never) childless_since = now;
                // Its accept queue is empty (just read): waiting for a client, it is idle.
                return now - childless_since >= settled ||
                       !probe::awaiting_clients(server.pid()).empty();
            }
            childless_since = never;
            if (now - start >= live_child_bound && !live.empty()) {
                why = wording::live_children_left(server.pid(), live_child_bound, live);
                return true;
            }
            return false;
        },
        live_child_bound + zombie_grace + std::chrono::seconds(1));
    return why;
}

bool idle(const probe::ServerProcess &server) {
    return !probe::awaiting_clients(server.pid()).empty() &&
           probe::accept_backlog(server.port()) <= 0;
}

std::optional<std::map<int, std::string>> fds_kept(const probe::ServerProcess &server,
                                                   const std::map<int, std::string> &before) {
    std::map<int, std::string> now;
    bool back = false;
    probe::poll_until(
        [&] {
            // Idle before and after the count: no fd could change in between.
            const bool was_idle = idle(server);
            now = probe::open_fds(server.pid());
            back = now.size() <= before.size();
            return back || (was_idle && idle(server));
        },
        catch_up_grace);
    if (back) return std::nullopt;
    return now;
}

void no_zombies(const probe::Target &t, const Scenario &s) {
    auto server = probe::start_target(t);
    play(s, t, server->port());
    if (const std::string why = children_left(*server); !why.empty())
        violated(wording::left_after_clients(why));
    if (s.burst == 0) return;
    burst(t, server->port(), s.burst);
    if (const std::string why = children_left(*server); !why.empty())
        violated(wording::left_after_burst(s.burst, why));
}

}  // namespace conformance
