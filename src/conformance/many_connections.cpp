// SPDX-License-Identifier: MIT
// One server through many connections, one after another and several open at
// a time: every few connections, once all have ended, the server has no child
// left and its parent's descriptors are back to where they were. Catches what
// only shows after many connections: a reaper that works once (System V
// signal()), a child or a descriptor leaked every Nth connection.
#include <chrono>
#include <deque>
#include <map>
#include <memory>
#include <stdexcept>

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

constexpr auto reply_limit = 5s;
// A server that takes a second per reply would make a case of hundreds of
// connections last minutes: no new connection opens after this.
constexpr auto case_budget = 2s;

struct Open {
    std::unique_ptr<probe::TestClient> conn;
    Goodbye goodbye;
};

void end(Open &o, bool worksheet) {
    switch (o.goodbye) {
    case Goodbye::close: break;
    case Goodbye::reset: o.conn->reset(); return;
    case Goodbye::quit:
        // Its reply is the replies invariant's business: only the child's end matters here.
        if (o.conn->send(worksheet ? "quit" : "quit\n")) o.conn->read_line(reply_limit);
        break;
    }
    o.conn->close();
}

}  // namespace

void many_connections(const probe::Target &t, const Connections &plan) {
    auto server = probe::start_target(t);
    const bool worksheet = t.profile == probe::Profile::worksheet;
    const std::string message = worksheet ? "next" : "next\n";
    const auto before = probe::open_fds(server->pid());
    const auto after = [&](int k) {
        return "after " + std::to_string(k) + " of " + std::to_string(plan.count) +
               " connections (" + std::to_string(plan.open_at_once) + " open at a time)";
    };
    std::deque<Open> open;
    const auto stop_opening = std::chrono::steady_clock::now() + case_budget;
    const auto check = [&](int k) {
        for (; !open.empty(); open.pop_front()) end(open.front(), worksheet);
        if (const std::string why = children_left(*server); !why.empty())
            violated(after(k) + ", once all had ended, " + why);
        if (const auto now = fds_kept(*server, before))
            violated(
                wording::fds_gained(after(k) + ", once all had ended and their children were gone",
                                    server->pid(), before, *now));
    };
    for (int k = 1; k <= plan.count; ++k) {
        if (static_cast<int>(open.size()) >= plan.open_at_once) {
            end(open.front(), worksheet);
            open.pop_front();
        }
        const Goodbye g = plan.goodbyes[static_cast<std::size_t>(k - 1) % plan.goodbyes.size()];
        try {
            open.push_back({std::make_unique<probe::TestClient>(server->port()), g});
        } catch (const std::runtime_error &e) {
            violated(after(k - 1) + ", connection " + std::to_string(k) +
                     " could not connect: " + e.what());
        }
        const std::string who = "connection " + std::to_string(k);
        if (const std::string why =
                reply_trouble(*open.back().conn, who, message, *server, reply_limit);
            !why.empty())
            violated(after(k - 1) + ", " + why);
        const bool last = k == plan.count || std::chrono::steady_clock::now() >= stop_opening;
        if (k % plan.check_every == 0 || last) check(k);
        if (last) return;
    }
}

}  // namespace conformance
