#include "conformance/runner.hpp"

#include <rapidcheck.h>
#include <rapidcheck/detail/Configuration.h>
#include <rapidcheck/detail/TestListener.h>

#include <sstream>
#include <unordered_map>

#include "probe/server_process.hpp"

namespace conformance {
namespace {

using rc::detail::CaseDescription;
using rc::detail::CaseResult;

// Records each run as it happens: rapidcheck's own failure description
// comes from running the minimal case once more, which for a failure that
// depends on timing may pass (its text would then be a success's).
class Tracker : public rc::detail::TestListener {
public:
    Tracker(const Invariant &inv, Progress &progress, int max)
        : inv_(inv), progress_(progress), max_(max) {}

    void onTestCaseFinished(const CaseDescription &d) override {
        if (d.result.type == CaseResult::Type::Discard) return;
        ++cases;
        if (d.result.type == CaseResult::Type::Failure) keep(d);
    }
    void onShrinkTried(const CaseDescription &d, bool accepted) override {
        ++tried;
        if (accepted) {
            ++shrinks;
            keep(d);
        }
    }
    void onTestFinished(const rc::detail::TestMetadata &, const rc::detail::TestResult &) override {
    }

    void starting_a_run() {
        if (!failed)
            progress_.running(inv_.name,
                              "case " + std::to_string(cases + 1) + "/" + std::to_string(max_));
        else
            progress_.running(inv_.name, "shrinking, step " + std::to_string(shrinks + 1) + " (" +
                                             std::to_string(tried) + " smaller cases tried)");
    }

    int cases = 0, shrinks = 0, tried = 0;
    bool failed = false;
    std::string reason;
    rc::detail::Example example;

private:
    void keep(const CaseDescription &d) {
        failed = true;
        reason = d.result.description;
        example = d.example();
    }
    const Invariant &inv_;
    Progress &progress_;
    int max_;
};

// rapidcheck's wording around an exception, dropped: the reason is ours.
std::string cleaned(std::string why) {
    static const std::string thrown = "Exception thrown with message:\n";
    if (why.starts_with(thrown)) why.erase(0, thrown.size());
    while (!why.empty() && why.back() == '\n') why.pop_back();
    return why;
}

std::vector<std::string> lines_of(const rc::detail::Example &example) {
    std::vector<std::string> out;
    for (const auto &[type, value] : example) {  // the type's C++ name is of no use
        std::istringstream in(value);
        for (std::string line; std::getline(in, line);) out.push_back(line);
    }
    return out;
}

std::string reproduce_string(const std::string &id, const rc::detail::Reproduce &r) {
    rc::detail::Configuration c;
    c.reproduce[id] = r;
    const std::string s = rc::detail::configToMinimalString(c);
    const std::string key = "reproduce=";
    const auto at = s.find(key);
    if (at == std::string::npos) return s;
    const auto from = at + key.size();
    return s.substr(from, s.find(' ', from) - from);
}

}  // namespace

const char *kind_name(Verdict::Kind k) {
    switch (k) {
    case Verdict::Kind::pass: return "PASS";
    case Verdict::Kind::fail: return "FAIL";
    case Verdict::Kind::skip: return "SKIP";
    }
    return "?";
}

std::map<std::string, std::string> split_reproduce(const std::string &text, bool &ok) {
    std::map<std::string, std::string> out;
    ok = false;
    try {
        const auto c = rc::detail::configFromString("reproduce=" + text);
        for (const auto &[id, r] : c.reproduce) out[id] = reproduce_string(id, r);
        ok = !out.empty();
    } catch (const std::exception &) {
        out.clear();
    }
    return out;
}

Verdict run_invariant(const Invariant &inv, const probe::Target &t, const Settings &s,
                      Progress &progress) {
    using clock = std::chrono::steady_clock;
    const auto start = clock::now();
    const auto deadline = start + s.time_limit;
    Verdict v;
    v.name = std::string(inv.name);

    Tracker tracker(inv, progress, s.max_success);
    bool timed_out = false, last_run_failed = false;
    const auto property = [&] {
        if (clock::now() >= deadline) {
            // Let rapidcheck finish at once: every case from here passes.
            timed_out = true;
            return;
        }
        tracker.starting_a_run();
        last_run_failed = true;
        try {
            inv.one_case(t);
        } catch (const probe::StartError &e) {
            violated(std::string("the server could not be started for this case: ") + e.what());
        } catch (const probe::ExecError &e) {
            violated(e.what());
        }
        last_run_failed = false;
    };

    rc::detail::TestMetadata meta;
    meta.id = v.name;
    meta.description = v.name;
    rc::detail::TestParams params;
    params.seed = s.seed;
    params.maxSuccess = s.max_success;
    std::unordered_map<std::string, rc::detail::Reproduce> replay;
    if (!s.reproduce.empty()) {
        const auto c = rc::detail::configFromString("reproduce=" + s.reproduce);
        replay = c.reproduce;
    }
    const auto result =
        rc::detail::checkProperty(rc::detail::toProperty(property), meta, params, tracker, replay);

    v.cases = tracker.cases;
    v.shrinks = tracker.shrinks;
    const std::string limit = std::to_string(s.time_limit.count()) + " s";
    if (result.is<rc::detail::FailureResult>()) {
        const auto *f = &result.get<rc::detail::FailureResult>();
        v.kind = Verdict::Kind::fail;
        v.reason = cleaned(tracker.failed ? tracker.reason : f->description);
        v.counterexample = lines_of(tracker.failed ? tracker.example : f->counterExample);
        v.reproduce = reproduce_string(meta.id, f->reproduce);
        if (timed_out) {
            v.reason += " (shrinking stopped at the time limit, " + limit + ")";
        } else {
            // rapidcheck ran the minimal case once more; if it passed, the
            // failure depends on timing: run it twice again to say how often.
            v.reruns = 1;
            v.rerun_failures = last_run_failed ? 1 : 0;
            if (!last_run_failed) {
                std::unordered_map<std::string, rc::detail::Reproduce> one{{meta.id, f->reproduce}};
                for (int i = 0; i < 2 && clock::now() < deadline; ++i) {
                    rc::detail::TestParams again = params;
                    Tracker quiet(inv, progress, 1);
                    const auto r = rc::detail::checkProperty(rc::detail::toProperty(property), meta,
                                                             again, quiet, one);
                    ++v.reruns;
                    v.rerun_failures += r.is<rc::detail::FailureResult>() ? 1 : 0;
                }
            }
        }
    } else if (result.is<rc::detail::GaveUpResult>()) {
        v.kind = Verdict::Kind::fail;
        v.reason = "gave up: " + result.get<rc::detail::GaveUpResult>().description;
    } else if (result.is<rc::detail::Error>()) {
        v.kind = Verdict::Kind::fail;
        v.reason = "could not run: " + result.get<rc::detail::Error>().description;
    } else if (timed_out) {
        v.kind = Verdict::Kind::fail;
        v.reason = "the time limit (" + limit + ") ended the run after " +
                   std::to_string(tracker.cases) + " passing cases of " +
                   std::to_string(s.max_success);
    }
    v.seconds = std::chrono::duration<double>(clock::now() - start).count();
    return v;
}

}  // namespace conformance
