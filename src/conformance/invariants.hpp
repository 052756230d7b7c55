// SPDX-License-Identifier: MIT
// The invariants a forking message server must keep. Each generates cases
// (what clients do) with a rapidcheck generator, apart from running them, so
// that shrinking and replaying a case walk the generator's tree without
// starting a server at every step. A case starts the server, plays what it
// holds and fails, in words, where the server broke the rule.
#pragma once

#include <rapidcheck/Gen.h>

#include <functional>
#include <ostream>
#include <string>
#include <string_view>
#include <vector>

#include "conformance/scenario.hpp"
#include "probe/target.hpp"

namespace conformance {

// One generated case. The target given to the generator must outlive it.
struct Case {
    std::function<void()> run;          // throws (violated()) if the server broke the rule
    std::function<std::string()> show;  // what the case does, in lines
};
void showValue(const Case &c, std::ostream &os);

struct Invariant {
    std::string_view name;  // "no-zombies", as forkcheck prints it
    std::string_view rule;  // what a conforming server does, one line
    rc::Gen<Case> (*cases)(const probe::Target &);
    bool reference_only = false;  // not for the worksheet profile

    bool applies_to(const probe::Target &t) const {
        return !reference_only || t.profile == probe::Profile::reference;
    }
};

// In the order forkcheck runs them.
const std::vector<Invariant> &invariants();

// The case of each invariant that plays a scenario.
void replies(const probe::Target &t, const Scenario &s);
void no_zombies(const probe::Target &t, const Scenario &s);
void no_leaks(const probe::Target &t, const Scenario &s);
void liveness_and_isolation(const probe::Target &t, const Scenario &s);
// Many connections, one after another and several at a time, to one server.
void many_connections(const probe::Target &t, const Connections &plan);
// The stateful model's cases: command sequences played on one server.
rc::Gen<Case> stateful_model(const probe::Target &t);

// Fails the running case with the reason in words (rapidcheck's failure,
// without a file and line).
[[noreturn]] void violated(const std::string &why);

// ["Hello, World!", "Goodbye, 127.0.0.1"] for a failure message.
std::string show_lines(const std::vector<std::string> &lines);

// A sentence to add to a reply failure where the server answered quit like
// any other message: it may not take CRLF for a line ending (quit_crlf: the
// quit was sent with one), or be the worksheet's program (another profile).
std::string profile_hint(const probe::Target &t, const std::vector<std::string> &want,
                         const std::vector<std::string> &got, bool quit_crlf);

}  // namespace conformance
