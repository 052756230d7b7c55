// SPDX-License-Identifier: MIT
// Plays a scenario against a running server: connects every client, makes
// their sends in the scenario's interleaving (with its pauses), leaves as
// each client's plan says, and collects what each client received.
#pragma once

#include <chrono>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "conformance/scenario.hpp"
#include "probe/target.hpp"
#include "probe/test_client.hpp"

namespace conformance {

struct Observed {
    std::vector<std::string> replies;  // lines received, without "\n"
    bool closed = false;               // the server closed after them
    std::string trouble;               // a send that failed, a reply that never came
    std::string end;                   // how reading its replies ended, in words
};

struct Run {
    std::vector<Observed> clients;
};

// between: called after every send, before any client leaves (e.g. to look
// at the server's processes while all clients are connected).
Run play(const Scenario &s, const probe::Target &t, int port,
         const std::function<void()> &between = {});

// n clients connect one after another, each is served one message, then all
// close in the same instant (their children end together).
void burst(const probe::Target &t, int port, int n);

// The reply to a line client c awaits from the server on port, within 5 s,
// or nothing; nothing sooner once the server's side shows the reply held
// back (the line read, a process blocked reading the connection for more,
// for 200 ms): held then says what it showed, for why_not_awaited().
std::optional<std::string> await_line(probe::TestClient &c, int port, std::string &held);
// Why await_line gave nothing, in words.
std::string why_not_awaited(const probe::TestClient &c, const std::string &held);

// Sends message on c and waits for its reply: "" once it comes, else why not,
// in words about who ("a fresh client"). Decided sooner when the server is
// seen stuck (blocked in wait() for catch_up_grace while a connection waits
// to be accepted) or the reply held back, as await_line tells.
std::string reply_trouble(probe::TestClient &c, const std::string &who, const std::string &message,
                          const probe::ServerProcess &server, std::chrono::milliseconds limit);

// Whether a fresh client gets its reply within limit; why not, if not. Decided
// sooner when the server is seen stuck: blocked in wait() for catch_up_grace
// while the client's connection waits to be accepted.
std::string fresh_client_trouble(const probe::Target &t, const probe::ServerProcess &server,
                                 std::chrono::milliseconds limit);

}  // namespace conformance
