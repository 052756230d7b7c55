#include "conformance/driver.hpp"

#include <algorithm>
#include <chrono>
#include <memory>
#include <stdexcept>
#include <thread>

#include "conformance/zombies.hpp"
#include "probe/proc_scan.hpp"
#include "probe/test_client.hpp"
#include "protocol/escape.hpp"

namespace conformance {
namespace {

using namespace std::chrono_literals;

// Pauses are part of the scenario (they let the server see separate
// segments), capped so a case stays short.
constexpr int pause_budget_ms = 40;
constexpr auto reply_limit = 5s;
// A reply awaited before the next message: a server answers in milliseconds
// even under load, so a reply not there after this is held back (unflushed).
constexpr auto lockstep_reply_limit = 1s;

struct Player {
    const Client &plan;
    std::unique_ptr<probe::TestClient> conn;
    std::vector<std::string> chunks;
    std::size_t next = 0;
    Observed seen;
};

}  // namespace

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
        auto reply = p.conn->read_line(lockstep_reply_limit);
        if (reply) {
            p.seen.replies.push_back(*reply);
            return;
        }
        p.seen.trouble = "it awaited each reply before sending more, and got no reply to \"" +
                         proto::escape(m.bytes) + "\": " + p.conn->why_no_line();
        if (p.conn->timed_out()) p.seen.trouble += ": a reply held back (an unflushed buffer?)";
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
            p.seen.trouble = "send " + std::to_string(p.next) + " failed";
            return;
        }
        if (!lockstep && p.plan.lockstep) {
            await_reply(p, p.next - 1);
        } else if (lockstep) {
            auto reply = p.conn->read_line(lockstep_reply_limit);
            if (!reply)
                p.seen.trouble =
                    "no reply to \"" + proto::escape(chunk) + "\": " + p.conn->why_no_line();
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
        // Served: its child exists and is past its set-up.
        if (!clients.back()->send(message) || !clients.back()->read_line(reply_limit)) break;
    }
    for (auto &c : clients) c->close();
}

std::string reply_trouble(probe::TestClient &c, const std::string &who, const std::string &message,
                          const probe::ServerProcess &server, std::chrono::milliseconds limit) {
    using clock = std::chrono::steady_clock;
    if (!c.send(message)) return who + " could not send";
    const auto start = clock::now();
    auto stuck_since = clock::time_point::max();
    for (;;) {
        if (c.read_line(20ms)) return {};
        if (!c.timed_out()) return who + " got no reply: " + c.why_no_line();
        const auto now = clock::now();
        const std::string call = probe::blocked_in_wait(server.pid());
        if (call.empty() || probe::accept_backlog(server.port()) <= 0) {
            stuck_since = clock::time_point::max();
        } else if (stuck_since == clock::time_point::max()) {
            stuck_since = now;
        } else if (now - stuck_since >= catch_up_grace) {
            std::string live;
            for (const auto &k : server.children())
                if (k.state != 'Z') live += (live.empty() ? "" : ", ") + std::to_string(k.pid);
            return who +
                   " was never accepted: its connection waited in the listen "
                   "queue while the server (pid " +
                   std::to_string(server.pid()) + ") was blocked in " + call + "() for " +
                   std::to_string(catch_up_grace.count()) +
                   " ms, waiting for a child that had not ended (live children: pids " + live + ")";
        }
        if (now - start >= limit)
            return who + " got no reply within " + std::to_string(limit.count() / 1000) + " s";
    }
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
