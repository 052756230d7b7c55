// SPDX-License-Identifier: MIT
// Runs one invariant in this process: cases drawn from its rapidcheck
// generator, then shrinking to a minimal failing case along the generator's
// tree, with progress as it goes and a verdict in words. A case is run only
// when it is tried, never to find its way back: a replay costs one case.
#pragma once

#include <rapidcheck/Random.h>

#include <chrono>
#include <cstdint>
#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "conformance/invariants.hpp"

namespace conformance {

struct Verdict {
    enum class Kind { pass, fail, skip };
    std::string name;
    Kind kind = Kind::pass;
    double seconds = 0;
    int cases = 0;                            // cases run, the failing one included
    int shrinks = 0;                          // shrinking steps that kept the failure
    std::string reason;                       // fail: what was violated; skip: why not run
    std::vector<std::string> counterexample;  // the minimal case, in lines
    std::string reproduce;                    // replays the minimal case (--reproduce)
    int reruns = 0;                           // runs of the minimal case after shrinking
    int rerun_failures = 0;                   // of which failed again
    bool replayed = false;                    // one case, from --reproduce

    bool intermittent() const { return kind == Kind::fail && rerun_failures < reruns; }
};

const char *kind_name(Verdict::Kind k);  // "PASS", "FAIL", "SKIP"

struct Settings {
    std::uint64_t seed = 0;
    int max_success = 25;
    std::chrono::seconds time_limit{600};  // per invariant; shrinking stops there
    std::string reproduce;                 // replay this invariant's minimal case
};

// Told what an invariant is doing, for a progress line.
class Progress {
public:
    virtual ~Progress() = default;
    // "case 7/25", "shrinking: 3 smaller failing cases so far"
    virtual void running(std::string_view name, const std::string &what) = 0;
};

// One invariant's run, in steps: forkcheck plays the first few cases of
// every invariant before the rest of any, so that a defect one of them
// catches at once is reported at once.
class Search {
public:
    Search(const Invariant &inv, const probe::Target &t, const Settings &s);
    // Plays cases until goal have passed (at most max_success), or one fails
    // and is shrunk; replays the case of s.reproduce instead if it is set.
    // True once the verdict is final.
    bool run(int goal, Progress &progress);
    const Verdict &verdict() const { return verdict_; }

private:
    bool search(int goal, Progress &progress);
    bool out_of_time() const;  // the invariant's own time, over all its steps

    Settings settings_;
    rc::Gen<Case> cases_;
    rc::Random stream_;
    int passed_ = 0, discarded_ = 0, draw_ = 0;
    bool done_ = false;
    Verdict verdict_;
    std::chrono::steady_clock::time_point resumed_;
};

// All of an invariant's run at once.
Verdict run_invariant(const Invariant &inv, const probe::Target &t, const Settings &s,
                      Progress &progress);

// A --reproduce string (comma-separated "invariant:seed:draw:size:path"
// places, as rerun lines print them): each invariant's minimal case. Empty
// map if text is not one; ok false then.
std::map<std::string, std::string> split_reproduce(const std::string &text, bool &ok);

}  // namespace conformance
