// SPDX-License-Identifier: MIT
#include "conformance/driver.hpp"

#include <algorithm>
#include <chrono>
#include <memory>
#include <stdexcept>
#include <thread>

#include "conformance/wording.hpp"
#include "conformance/zombies.hpp"
#include "probe/proc_scan.hpp"
#include "probe/test_client.hpp"

namespace conformance {
namespace {

using namespace std::chrono_literals;

// Pauses are part of the scenario (they let the server see separate
// segments), capped so a case stays short.
constexpr int pause_budget_ms = 40;
constexpr auto reply_limit = 5s;
// A reply awaited before the next message is held back, not late, once the
// server's side of the connection has read the line and is blocked reading
// it for more this long, with nothing sent: a reply written by then would
// have been seen within one 20 ms read.
constexpr auto held_back_settle = 200ms;

struct Player {
    const Client &plan;
    std::unique_ptr<probe::TestClient> conn;
    std::vector<std::string> chunks;
    std::size_t next = 0;
    Observed seen;
};

// await_line's wait, within limit, also given up once stop() says so.
std::optional<std::string> await_line_or(probe::TestClient &c, int port, std::string &held,
                                         std::chrono::milliseconds limit,
                                         const std::function<bool()> &stop) {
    using clock = std::chrono::steady_clock;
    auto since = clock::time_point::max();
    bool settled = false;
    auto line = c.read_line_until(limit, [&] {
        if (stop && stop()) return true;
        held = probe::reading_drained_connection(port, c.local_port());
        if (held.empty()) {
            since = clock::time_point::max();
            return false;
        }
        if (since == clock::time_point::max()) since = clock::now();
        return settled = clock::now() - since >= held_back_settle;
    });
    if (!settled) held.clear();
    return line;
}

}  // namespace

std::optional<std::string> await_line(probe::TestClient &c, int port, std::string &held) {
    return await_line_or(c, port, held, reply_limit, {});
}

std::string why_not_awaited(const probe::TestClient &c, const std::string &held) {
    return c.why_no_line() + wording::held_back(held, held_back_settle);
}

Run play(const Scenario &s, const probe::Target &t, int port,
         const std::function<void()> &between) {
    const bool lockstep = t.profile == probe::Profile::worksheet;
    std::vector<Player> players;
    players.reserve(s.clients.size());
    for (const auto &c : s.clients) {
        Player p{c, std::make_unique<probe::TestClient>(port), {}, 0, {}};
        if (lockstep)
            for (const auto &m : c.messages) p.chunks.push_back(m.bytes);
        else
            p.chunks = chunks_of(c);
        players.push_back(std::move(p));
    }
    // A reference client in lockstep awaits the reply to each complete line.
    auto await_reply = [&](Player &p, std::size_t sent) {
        const Message &m = p.plan.messages[sent];
        if (m.ending.empty()) return;  // answered only at end of input
        std::string held;
        auto reply = await_line(*p.conn, port, held);
        if (reply) {
            p.seen.replies.push_back(*reply);
            return;
        }
        p.seen.trouble =
            wording::no_reply_in_lockstep(m.bytes, p.conn->why_no_line(), held, held_back_settle);
    };

    int paused_ms = 0;
    auto send_next = [&](Player &p) {
        if (p.next >= p.chunks.size() || !p.seen.trouble.empty()) return;
        const int pause = p.plan.pauses_ms[p.next % p.plan.pauses_ms.size()];
        if (pause > 0 && paused_ms + pause <= pause_budget_ms) {
            std::this_thread::sleep_for(std::chrono::milliseconds(pause));
            paused_ms += pause;
        }
        const std::string &chunk = p.chunks[p.next++];
        if (!p.conn->send(chunk)) {
            p.seen.trouble = wording::send_failed(p.next);
            return;
        }
        if (!lockstep && p.plan.lockstep) {
            await_reply(p, p.next - 1);
        } else if (lockstep) {
            std::string held;
            auto reply = await_line(*p.conn, port, held);
            if (!reply)
                p.seen.trouble =
                    wording::no_reply(chunk, p.conn->why_no_line(), held, held_back_settle);
            else
                p.seen.replies.push_back(*reply);
        }
    };
    for (int i : s.order) send_next(players[static_cast<std::size_t>(i)]);
    for (auto &p : players)
        while (p.next < p.chunks.size() && p.seen.trouble.empty()) send_next(p);
    if (between) between();

    for (auto &p : players) {
        switch (p.plan.leave) {
        case Leave::finish:
            if (!lockstep) p.conn->shutdown_write();
            break;
        case Leave::reset: p.conn->reset(); break;
        case Leave::close:
        case Leave::mid_line: p.conn->close(); break;
        }
    }
    Run run;
    for (auto &p : players) {
        // Replies that come only once it gives up waiting do not count.
        const bool gave_up = p.plan.lockstep && !p.seen.trouble.empty();
        if (p.plan.leave == Leave::finish && !gave_up) {
            if (lockstep) {
                const bool quit =
                    !p.plan.messages.empty() && p.plan.messages.back().bytes == "quit";
                p.seen.closed = quit && p.conn->closed_by_server(reply_limit);
            } else {
                while (auto line = p.conn->read_line(reply_limit)) p.seen.replies.push_back(*line);
                p.seen.end = p.conn->why_no_line();
                p.seen.closed = p.conn->closed_by_server(0ms);
            }
        }
        p.conn->close();
        run.clients.push_back(std::move(p.seen));
    }
    return run;
}

void burst(const probe::Target &t, int port, int n) {
    const std::string message = t.profile == probe::Profile::worksheet ? "burst" : "burst\n";
    std::vector<std::unique_ptr<probe::TestClient>> clients;
    for (int i = 0; i < n; ++i) {
        clients.push_back(std::make_unique<probe::TestClient>(port));
        // Served: its child exists and is past its set-up, as a reply shows,
        // or the line read and a process waiting on the connection for more.
        auto &c = *clients.back();
        if (!c.send(message)) break;
        bool reading = false;
        const auto reply = c.read_line_until(reply_limit, [&] {
            return reading = !probe::reading_drained_connection(port, c.local_port()).empty();
        });
        if (!reply && !reading) break;
    }
    for (auto &c : clients) c->close();
}

std::string reply_trouble(probe::TestClient &c, const std::string &who, const std::string &message,
                          const probe::ServerProcess &server, std::chrono::milliseconds limit) {
    using clock = std::chrono::steady_clock;
    if (!c.send(message)) return who + " could not send";
    auto stuck_since = clock::time_point::max();
    std::string stuck, held;
    const auto reply = await_line_or(c, server.port(), held, limit, [&] {
        const auto now = clock::now();
        const std::string call = probe::blocked_in_wait(server.pid());
        if (call.empty() || probe::accept_backlog(server.port()) <= 0) {
            stuck_since = clock::time_point::max();
        } else if (stuck_since == clock::time_point::max()) {
            stuck_since = now;
        } else if (now - stuck_since >= catch_up_grace) {
            std::vector<pid_t> live;
            for (const auto &k : server.children())
                if (k.state != 'Z') live.push_back(k.pid);
            stuck = wording::never_accepted(who, server.pid(), call, catch_up_grace, live);
        }
        return !stuck.empty();
    });
    if (reply) return {};
    if (!stuck.empty()) return stuck;
    if (!held.empty()) return who + " got no reply" + wording::held_back(held, held_back_settle);
    if (!c.timed_out()) return who + " got no reply: " + c.why_no_line();
    return wording::no_reply_within(who, limit);
}

std::string fresh_client_trouble(const probe::Target &t, const probe::ServerProcess &server,
                                 std::chrono::milliseconds limit) {
    try {
        probe::TestClient c(server.port());
        const std::string message = t.profile == probe::Profile::worksheet ? "fresh" : "fresh\n";
        return reply_trouble(c, "a fresh client", message, server, limit);
    } catch (const std::runtime_error &e) {
        return std::string("a fresh client could not connect: ") + e.what();
    }
}

}  // namespace conformance
