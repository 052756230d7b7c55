// Plays a scenario against a running server: connects every client, makes
// their sends in the scenario's interleaving (with its pauses), leaves as
// each client's plan says, and collects what each client received.
#pragma once

#include <functional>
#include <string>
#include <vector>

#include "fixtures/target.hpp"
#include "scenario.hpp"

namespace props {

struct Observed {
    std::vector<std::string> replies;  // lines received, without "\n"
    bool closed = false;               // the server closed after them
    std::string trouble;               // a send that failed, a reply that never came
};

struct Run {
    std::vector<Observed> clients;
};

// between: called after every send, before any client leaves (e.g. to look
// at the server's processes while all clients are connected).
Run play(const Scenario &s, const fixtures::Target &t, int port,
         const std::function<void()> &between = {});

// Whether a fresh client gets its reply within limit_ms; why not, if not.
std::string fresh_client_trouble(const fixtures::Target &t, int port, int limit_ms);

}  // namespace props
