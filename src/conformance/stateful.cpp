// SPDX-License-Identifier: MIT
// A stateful model test: Connect, Send(chunk), Read, HalfClose, Reset and
// Quit over several clients, each step checked against a model of the
// replies each client is owed. Reference profile only.
#include <rapidcheck.h>
#include <rapidcheck/state.h>

#include <cerrno>
#include <chrono>
#include <deque>
#include <map>
#include <memory>

#include "conformance/driver.hpp"
#include "conformance/invariants.hpp"
#include "conformance/model.hpp"
#include "conformance/wording.hpp"
#include "probe/test_client.hpp"
#include "protocol/escape.hpp"

namespace conformance {
namespace {

using namespace std::chrono_literals;

struct ClientModel {
    std::string line;              // the unfinished line so far, while within the limit
    bool too_long = false;         // it is over the limit (a server may say so before its end)
    std::deque<std::string> owed;  // replies sent or to be sent, not yet read
    bool done_sending = false;     // after quit or half-close
    bool server_closes = false;    // after the owed replies
};

struct Model {
    const probe::Target *target = nullptr;
    std::map<int, ClientModel> clients;
    int next_id = 0;

    // Feeds bytes as the protocol says. A reply is owed once its line has
    // ended: a server may answer a too-long line earlier, and the one error
    // is read in the same place either way.
    void feed(ClientModel &c, const std::string &bytes) const {
        for (char ch : bytes) {
            if (c.done_sending) return;
            if (ch == '\n') {
                end_line(c);
            } else if (!c.too_long) {
                c.line += ch;
                c.too_long = c.line.size() > target->max_message + 1;  // CR or not
            }
        }
    }

    void end_line(ClientModel &c) const {
        const auto &t = *target;
        std::string content = std::move(c.line);
        c.line.clear();
        if (content.ends_with('\r')) content.pop_back();
        if (c.too_long) content.assign(t.max_message + 1, 'x');
        c.too_long = false;
        c.owed.push_back(reference_reply(content, t, "127.0.0.1"));
        if (content == "quit") c.done_sending = c.server_closes = true;
    }
};

struct Sut {
    std::unique_ptr<probe::ServerProcess> server;
    std::map<int, std::unique_ptr<probe::TestClient>> conns;
};

using Command = rc::state::Command<Model, Sut>;

void send(Sut &s, int id, const std::string &bytes) {
    if (!s.conns.at(id)->send(bytes))
        violated(wording::client_send_failed(id, bytes.size(), errno));
}

int pick_client(const Model &m) {
    RC_PRE(!m.clients.empty());
    std::vector<int> ids;
    for (const auto &[id, c] : m.clients) ids.push_back(id);
    return *rc::gen::elementOf(ids);
}

struct Connect : Command {
    void checkPreconditions(const Model &m) const override { RC_PRE(m.clients.size() < 4u); }
    void apply(Model &m) const override { m.clients[m.next_id++]; }
    void run(const Model &m, Sut &s) const override {
        s.conns[m.next_id] = std::make_unique<probe::TestClient>(s.server->port());
    }
    void show(std::ostream &os) const override { os << "Connect"; }
};

struct Send : Command {
    int id;
    std::string chunk;
    explicit Send(const Model &m)
        : id(pick_client(m)),
          chunk(*rc::gen::weightedOneOf<std::string>(
              {{4, rc::gen::container<std::string>(rc::gen::elementOf(std::string("ab \r\n\n")))},
               {1, rc::gen::container<std::string>(rc::gen::map(
                       rc::gen::inRange(0, 255), [](int c) { return static_cast<char>(c); }))},
               {1, rc::gen::map(rc::gen::elementOf(std::vector<std::size_t>{
                                    m.target->max_message, m.target->max_message + 1,
                                    m.target->max_message + 2, 5 * m.target->max_message}),
                                [](std::size_t n) { return std::string(n, 'x'); })}})) {}
    void checkPreconditions(const Model &m) const override {
        RC_PRE(m.clients.count(id) == 1u);
        RC_PRE(!m.clients.at(id).done_sending);
    }
    void apply(Model &m) const override { m.feed(m.clients.at(id), chunk); }
    void run(const Model &, Sut &s) const override { send(s, id, chunk); }
    void show(std::ostream &os) const override {
        os << "Send(client " << id << ", ";
        show_bytes(chunk, os);
        os << ")";
    }
};

struct Quit : Command {
    int id;
    explicit Quit(const Model &m) : id(pick_client(m)) {}
    void checkPreconditions(const Model &m) const override {
        RC_PRE(m.clients.count(id) == 1u);
        const auto &c = m.clients.at(id);
        RC_PRE(!c.done_sending && c.line.empty() && !c.too_long);
    }
    void apply(Model &m) const override { m.feed(m.clients.at(id), "quit\r\n"); }
    void run(const Model &, Sut &s) const override { send(s, id, "quit\r\n"); }
    void show(std::ostream &os) const override { os << "Quit(client " << id << ")"; }
};

struct Read : Command {
    int id;
    explicit Read(const Model &m) : id(pick_client(m)) {}
    void checkPreconditions(const Model &m) const override {
        RC_PRE(m.clients.count(id) == 1u);
        RC_PRE(!m.clients.at(id).owed.empty());
    }
    void apply(Model &m) const override { m.clients.at(id).owed.pop_front(); }
    void run(const Model &m, Sut &s) const override {
        auto &conn = *s.conns.at(id);
        std::string held;
        const auto got = await_line(conn, s.server->port(), held);
        const std::string &want = m.clients.at(id).owed.front();
        if (got != want)
            violated(wording::read_differs(id, want, got, why_not_awaited(conn, held), false) +
                     (got ? profile_hint(*m.target, {want}, {*got}, true) : ""));
    }
    void show(std::ostream &os) const override { os << "Read(client " << id << ")"; }
};

struct HalfClose : Command {
    int id;
    explicit HalfClose(const Model &m) : id(pick_client(m)) {}
    void checkPreconditions(const Model &m) const override {
        RC_PRE(m.clients.count(id) == 1u);
        RC_PRE(!m.clients.at(id).done_sending);
    }
    void apply(Model &m) const override {
        auto &c = m.clients.at(id);
        // End of input ends the last line, if it has anything in it.
        if (c.too_long || !c.line.empty()) m.end_line(c);
        c.done_sending = c.server_closes = true;
    }
    void run(const Model &, Sut &s) const override { s.conns.at(id)->shutdown_write(); }
    void show(std::ostream &os) const override { os << "HalfClose(client " << id << ")"; }
};

struct Reset : Command {
    int id;
    explicit Reset(const Model &m) : id(pick_client(m)) {}
    void checkPreconditions(const Model &m) const override { RC_PRE(m.clients.count(id) == 1u); }
    void apply(Model &m) const override { m.clients.erase(id); }
    void run(const Model &, Sut &s) const override {
        s.conns.at(id)->reset();
        s.conns.erase(id);
    }
    void show(std::ostream &os) const override { os << "Reset(client " << id << ")"; }
};

using Commands = rc::state::Commands<Command>;

void play_commands(const probe::Target &t, const Commands &commands) {
    Model initial;
    initial.target = &t;
    Sut sut;
    sut.server = probe::start_target(t);
    rc::state::runAll(commands, initial, sut);

    // Every client still there gets what it is owed, then the close it is owed.
    Model final_state = initial;
    rc::state::applyAll(commands, final_state);
    for (auto &[id, c] : final_state.clients) {
        auto &conn = *sut.conns.at(id);
        for (const auto &want : c.owed) {
            std::string held;
            const auto got = await_line(conn, sut.server->port(), held);
            if (got != want)
                violated(wording::read_differs(id, want, got, why_not_awaited(conn, held), true) +
                         (got ? profile_hint(t, {want}, {*got}, true) : ""));
        }
        if (c.server_closes && !conn.closed_by_server(5s))
            violated(wording::no_close_within(id, 5s));
    }
}

}  // namespace

rc::Gen<Case> stateful_model(const probe::Target &t) {
    Model initial;
    initial.target = &t;
    const auto commands = rc::state::gen::commands(
        initial, rc::state::gen::execOneOfWithArgs<Connect, Connect, Send, Send, Send, Quit, Read,
                                                   Read, HalfClose, Reset>());
    return rc::gen::map(commands, [&t](Commands c) {
        const auto shared = std::make_shared<const Commands>(std::move(c));
        return Case{[&t, shared] { play_commands(t, *shared); },
                    [shared] { return rc::toString(*shared); }};
    });
}

}  // namespace conformance
