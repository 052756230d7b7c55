// SPDX-License-Identifier: MIT
// rapidcheck generators for what clients do: messages (empty, printable,
// arbitrary bytes with NUL and CR, at and far beyond the limit, quit), line
// endings, cuts into sends, pauses, early disconnects, concurrent clients.
#pragma once

#include <rapidcheck.h>

#include <algorithm>
#include <cstddef>
#include <string>
#include <vector>

#include "conformance/scenario.hpp"
#include "probe/target.hpp"

namespace conformance::gen {

// Clients a case may have at once.
inline constexpr int max_clients = 4;

// 0 to n-1, uniform whatever the case's size, shrinking towards 0: a choice
// whose 0 is the plain case (rapidcheck's weightedOneOf never shrinks).
inline rc::Gen<int> choice(int n) { return rc::gen::resize(100, rc::gen::inRange(0, n)); }

// Near misses of the quit command, and messages that begin with it: a server
// that matches quit by prefix, case or trimmed spaces closes on them.
inline rc::Gen<std::string> near_quit() {
    return rc::gen::elementOf(std::vector<std::string>{"quitx", "qui", "QUIT", "Quit", "quit ",
                                                       " quit", "qu\rit", "quit now", "quitting",
                                                       "quit\tquit", "\tquit"});
}

// Message bytes for a server with limit max (never '\n').
inline rc::Gen<std::string> message_bytes(std::size_t max, bool printable_only = false) {
    const auto printable = rc::gen::container<std::string>(
        rc::gen::elementOf(std::string("abcdefghijklmnopqrstuvwxyz ABCXYZ0123456789.,!?")));
    const auto any_byte = rc::gen::container<std::string>(rc::gen::map(
        rc::gen::inRange(0, 255), [](int c) { return static_cast<char>(c == '\n' ? 0 : c); }));
    const auto sized = rc::gen::map(
        rc::gen::tuple(
            rc::gen::elementOf(std::vector<std::size_t>{max - 1, max, max + 1, 10 * max}),
            rc::gen::elementOf(std::string("xyz"))),
        [](const auto &t) { return std::string(std::get<0>(t), std::get<1>(t)); });
    if (printable_only)
        return rc::gen::weightedOneOf<std::string>(
            {{6, rc::gen::suchThat(printable,
                                   [max](const std::string &s) {
                                       return !s.empty() && s.size() <= max && s != "quit";
                                   })},
             {1, rc::gen::just(std::string(max, 'm'))}});
    return rc::gen::weightedOneOf<std::string>({{1, rc::gen::just(std::string())},
                                                {5, printable},
                                                {3, any_byte},
                                                {2, sized},
                                                {1, near_quit()},
                                                {1, rc::gen::just(std::string("quit"))}});
}

inline rc::Gen<std::vector<std::size_t>> chunk_sizes() {
    return rc::gen::nonEmpty(rc::gen::container<std::vector<std::size_t>>(
        rc::gen::weightedOneOf<std::size_t>({{3, rc::gen::just<std::size_t>(1)},
                                             {3, rc::gen::inRange<std::size_t>(1, 16)},
                                             {2, rc::gen::inRange<std::size_t>(16, 600)},
                                             {1, rc::gen::just<std::size_t>(1 << 16)}})));
}

inline rc::Gen<std::vector<int>> pauses() {
    return rc::gen::nonEmpty(
        rc::gen::container<std::vector<int>>(rc::gen::elementOf(std::vector<int>{0, 0, 0, 1, 3})));
}

// A client of the reference protocol. Nothing follows its quit, if any, and
// only the last message may be unterminated.
inline rc::Gen<Client> reference_client(std::size_t max, bool may_leave_early) {
    const auto message = rc::gen::build<Message>(
        rc::gen::set(&Message::bytes, message_bytes(max)),
        rc::gen::set(&Message::ending,
                     rc::gen::elementOf(std::vector<std::string>{"\n", "\n", "\r\n"})));
    // Four in seven finish; a shrink goes back to finishing.
    const auto leave = rc::gen::map(choice(may_leave_early ? 7 : 1), [](int c) {
        return c < 4    ? Leave::finish
               : c == 4 ? Leave::close
               : c == 5 ? Leave::mid_line
                        : Leave::reset;
    });
    return rc::gen::map(
        rc::gen::tuple(rc::gen::resize(12, rc::gen::container<std::vector<Message>>(message)),
                       rc::gen::arbitrary<bool>(), chunk_sizes(), pauses(), leave, choice(4)),
        [](const auto &t) {
            Client c;
            const auto &[messages, unterminated_last, chunks, pause, how, lockstep] = t;
            for (const auto &m : messages) {
                c.messages.push_back(m);
                if (m.bytes == "quit") break;
            }
            // Unterminated: what a CR at end of input means is the server's
            // choice, so the generator does not ask.
            if (unterminated_last && !c.messages.empty() && c.messages.back().bytes != "quit" &&
                !c.messages.back().bytes.ends_with('\r'))
                c.messages.back().ending = "";
            c.chunk_sizes = chunks;
            c.pauses_ms = pause;
            c.leave = how;
            c.lockstep = lockstep == 3 && how == Leave::finish;
            if (c.leave == Leave::mid_line) c.messages.push_back({"half a li", ""});
            return c;
        });
}

// A client of the worksheet's program: lockstep, one message per send, no
// line endings, printable messages within the limit, maybe quit at the end.
inline rc::Gen<Client> worksheet_client(std::size_t max) {
    return rc::gen::map(
        rc::gen::tuple(rc::gen::resize(8, rc::gen::container<std::vector<std::string>>(
                                              message_bytes(max, true))),
                       rc::gen::arbitrary<bool>(), pauses()),
        [](const auto &t) {
            Client c;
            const auto &[messages, quits, pause] = t;
            for (const auto &m : messages) c.messages.push_back({m, ""});
            if (quits) c.messages.push_back({"quit", ""});
            c.chunk_sizes = {1 << 20};  // never cut: one send per message
            c.pauses_ms = pause;
            return c;
        });
}

// 1 to max_clients clients (fewer in the small early cases) and an
// interleaving of their sends, then in one case in three a burst of 8 to 16
// clients that close in the same instant (SIGCHLDs that coalesce, an fd leaked
// every Nth connection). Built to shrink: clients are dropped one by one
// without the others changing, and the burst goes first.
inline rc::Gen<Scenario> scenario(const probe::Target &t, int max_clients, bool may_leave_early) {
    const auto client = t.profile == probe::Profile::worksheet
                            ? worksheet_client(t.max_message)
                            : reference_client(t.max_message, may_leave_early);
    return rc::gen::withSize([=](int size) {
        // The count is drawn at a small size; each client still at the case's.
        const int most = std::clamp(1 + size * max_clients / 50, 1, max_clients);
        return rc::gen::map(
            rc::gen::tuple(
                rc::gen::resize(most, rc::gen::nonEmpty(rc::gen::container<std::vector<Client>>(
                                          rc::gen::resize(size, client)))),
                rc::gen::container<std::vector<int>>(rc::gen::inRange(0, max_clients)), choice(3),
                rc::gen::inRange(8, 17)),
            [max_clients](const auto &t) {
                Scenario s;
                s.clients = std::get<0>(t);
                if (s.clients.size() > static_cast<std::size_t>(max_clients))
                    s.clients.resize(static_cast<std::size_t>(max_clients));
                const int n = static_cast<int>(s.clients.size());
                for (int i : std::get<1>(t)) s.order.push_back(i % n);
                s.burst = std::get<2>(t) == 2 ? std::get<3>(t) : 0;
                return s;
            });
    });
}

// Many connections to one server: from 2 to a few hundred in the large
// cases, 1 to 8 open at a time, checked every 4 to 32 (a defect every Nth
// connection, a reaper that works once). Shrinks to fewer, one at a time,
// checked more often, each closing.
inline rc::Gen<Connections> connections() {
    return rc::gen::withSize([](int size) {
        const int most = 8 + size * size / 40;
        return rc::gen::map(
            rc::gen::tuple(
                rc::gen::resize(100, rc::gen::inRange(2, most + 1)), choice(8), choice(29),
                rc::gen::resize(
                    3, rc::gen::nonEmpty(rc::gen::container<std::vector<int>>(choice(3))))),
            [](const auto &t) {
                Connections c;
                c.count = std::get<0>(t);
                c.open_at_once = 1 + std::get<1>(t);
                c.check_every = 4 + std::get<2>(t);
                for (int g : std::get<3>(t)) c.goodbyes.push_back(static_cast<Goodbye>(g));
                return c;
            });
    });
}

}  // namespace conformance::gen
