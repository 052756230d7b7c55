#include "conformance/driver.hpp"

#include <algorithm>
#include <chrono>
#include <memory>
#include <stdexcept>
#include <thread>

#include "probe/test_client.hpp"
#include "protocol/escape.hpp"

namespace conformance {
namespace {

using namespace std::chrono_literals;

// Pauses are part of the scenario (they let the server see separate
// segments), capped so a case stays short.
constexpr int pause_budget_ms = 40;
constexpr auto reply_limit = 5s;

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
        if (lockstep) {
            auto reply = p.conn->read_line(reply_limit);
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
        if (p.plan.leave == Leave::finish) {
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

std::string fresh_client_trouble(const probe::Target &t, int port, int limit_ms) {
    try {
        probe::TestClient c(port);
        const std::string message = t.profile == probe::Profile::worksheet ? "fresh" : "fresh\n";
        if (!c.send(message)) return "a fresh client could not send";
        if (!c.read_line(std::chrono::milliseconds(limit_ms)))
            return "a fresh client got no reply: " + c.why_no_line();
        return {};
    } catch (const std::runtime_error &e) {
        return std::string("a fresh client could not connect: ") + e.what();
    }
}

}  // namespace conformance
