// The invariants a forking message server must keep. Each is one case of a
// property: it generates what clients do (rapidcheck's *gen, so it runs
// inside rapidcheck, in forkcheck or in a gtest property), starts the server,
// plays the case and fails it, in words, where the server broke the rule.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "probe/target.hpp"

namespace conformance {

struct Invariant {
    std::string_view name;  // "no-zombies", as forkcheck prints it
    std::string_view rule;  // what a conforming server does, one line
    void (*one_case)(const probe::Target &);
    bool reference_only = false;  // not for the worksheet profile

    bool applies_to(const probe::Target &t) const {
        return !reference_only || t.profile == probe::Profile::reference;
    }
};

// In the order forkcheck runs them.
const std::vector<Invariant> &invariants();

void replies(const probe::Target &t);
void no_zombies(const probe::Target &t);
void no_leaks(const probe::Target &t);
void liveness_and_isolation(const probe::Target &t);
void stateful_model(const probe::Target &t);
void many_connections(const probe::Target &t);

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
