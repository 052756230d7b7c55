// SPDX-License-Identifier: MIT
#include "conformance/runner.hpp"

#include <rapidcheck.h>

#include <algorithm>
#include <charconv>
#include <functional>
#include <sstream>

#include "probe/server_process.hpp"

namespace conformance {
namespace {

using clock = std::chrono::steady_clock;
using rc::detail::CaseResult;

// Where a case sits in an invariant's generated tree: which split of the
// seed's random stream and at which size its case was drawn, then which
// shrink was taken at each step. Written "name:seed:draw:size:path".
struct Place {
    std::string name;
    std::uint64_t seed = 0;
    int draw = 0;
    int size = 0;
    std::vector<std::size_t> path;
};

std::string text_of(const Place &p) {
    std::string s = p.name + ":" + std::to_string(p.seed) + ":" + std::to_string(p.draw) + ":" +
                    std::to_string(p.size) + ":";
    for (std::size_t i = 0; i < p.path.size(); ++i) s += (i ? "." : "") + std::to_string(p.path[i]);
    return s;
}

template <typename N>
bool number(std::string_view text, N &out) {
    const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), out);
    return ec == std::errc() && end == text.data() + text.size();
}

bool place_of(std::string_view text, Place &p) {
    std::vector<std::string_view> field;
    for (std::size_t from = 0;;) {
        const auto at = text.find(':', from);
        field.push_back(text.substr(from, at - from));
        if (at == std::string_view::npos) break;
        from = at + 1;
    }
    if (field.size() != 5 || field[0].empty() || !number(field[1], p.seed) ||
        !number(field[2], p.draw) || !number(field[3], p.size) || p.draw < 0 || p.size < 0)
        return false;
    p.name = std::string(field[0]);
    p.path.clear();
    for (std::size_t from = 0; from < field[4].size();) {
        const auto at = std::min(field[4].find('.', from), field[4].size());
        std::size_t step = 0;
        if (!number(field[4].substr(from, at - from), step)) return false;
        p.path.push_back(step);
        from = at + 1;
        if (at + 1 == field[4].size()) return false;  // a trailing '.'
    }
    return true;
}

// Generators scale to rapidcheck's nominal largest size; the cases of a run
// spread evenly from 0 up to it.
constexpr int max_size = rc::kNominalSize;
int size_for(int passed, int max_success) {
    return max_success <= 1 ? 0 : std::min(max_size, passed * max_size / (max_success - 1));
}

struct Outcome {
    enum class Kind { pass, fail, discard };
    Kind kind = Kind::pass;
    std::string reason;
    bool failed() const { return kind == Kind::fail; }
};

Outcome play(const rc::Shrinkable<Case> &c) {
    using K = Outcome::Kind;
    try {
        c.value().run();
        return {};
    } catch (const CaseResult &r) {
        if (r.type == CaseResult::Type::Failure) return {K::fail, r.description};
        if (r.type == CaseResult::Type::Discard) return {K::discard, r.description};
        return {};
    } catch (const rc::GenerationFailure &e) {
        return {K::discard, e.what()};
    } catch (const probe::StartError &e) {
        return {K::fail, std::string("the server could not be started for this case: ") + e.what()};
    } catch (const std::exception &e) {
        return {K::fail, e.what()};
    }
}

std::vector<std::string> lines_of(const std::string &text) {
    std::vector<std::string> out;
    std::istringstream in(text);
    for (std::string line; std::getline(in, line);) out.push_back(line);
    return out;
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
    ok = !text.empty();
    for (std::size_t from = 0; ok && from <= text.size();) {
        const auto at = std::min(text.find(',', from), text.size());
        Place p;
        const std::string one = text.substr(from, at - from);
        ok = place_of(one, p) && std::any_of(invariants().begin(), invariants().end(),
                                             [&](const Invariant &i) { return i.name == p.name; });
        if (ok) out[p.name] = one;
        from = at + 1;
    }
    if (!ok) out.clear();
    return out;
}

namespace {

void fail_with(Verdict &v, const rc::Shrinkable<Case> &c, const Place &p, std::string why) {
    v.kind = Verdict::Kind::fail;
    v.reason = std::move(why);
    v.counterexample = lines_of(c.value().show());
    v.reproduce = text_of(p);
}

// Walks the generator's tree to the case of text, then runs it once.
void replay(Verdict &v, const rc::Gen<Case> &cases, const std::string &text, Progress &progress) {
    v.replayed = true;
    Place place;
    if (!place_of(text, place) || place.name != v.name) {
        v.kind = Verdict::Kind::fail;
        v.reason = "could not replay: '" + text + "' is not a case of " + v.name;
        return;
    }
    rc::Random stream(place.seed), random;
    for (int i = 0; i <= place.draw; ++i) random = stream.split();
    auto node = cases(random, place.size);
    for (const auto step : place.path) {
        auto shrinks = node.shrinks();
        for (std::size_t i = 0; i < step; ++i) shrinks.next();
        auto next = shrinks.next();
        if (!next) {
            v.kind = Verdict::Kind::fail;
            v.reason =
                "could not replay: '" + text + "' leads to no case of this forkcheck's " + v.name;
            return;
        }
        node = std::move(*next);
    }
    progress.running(v.name, "replaying the minimal case");
    v.cases = 1;
    if (auto o = play(node); o.failed()) fail_with(v, node, place, std::move(o.reason));
}

// Takes the first smaller case that still fails, until none does; then runs
// the minimal case again to tell a timing-dependent failure.
void shrink(Verdict &v, rc::Shrinkable<Case> best, Place place, Outcome o,
            const std::function<bool()> &out_of_time, const std::string &limit,
            Progress &progress) {
    int tried = 0;
    bool stopped = false;
    auto shrinks = best.shrinks();
    for (std::size_t i = 0; auto next = shrinks.next();) {
        if (out_of_time()) {
            stopped = true;
            break;
        }
        progress.running(v.name, "shrinking, step " + std::to_string(place.path.size() + 1) + " (" +
                                     std::to_string(++tried) + " smaller cases tried)");
        if (auto smaller = play(*next); smaller.failed()) {
            best = std::move(*next);
            o = std::move(smaller);
            place.path.push_back(i);
            shrinks = best.shrinks();
            i = 0;
        } else {
            ++i;
        }
    }
    v.shrinks = static_cast<int>(place.path.size());
    fail_with(v, best, place, std::move(o.reason));
    if (stopped) {
        v.reason += " (shrinking stopped at the time limit, " + limit + ")";
        return;
    }
    // A minimal case that passes when run again depends on timing: say how
    // often it fails, with the reason recorded when it did.
    for (int i = 0; i < 3 && !out_of_time(); ++i) {
        progress.running(v.name, "running the minimal case again");
        ++v.reruns;
        v.rerun_failures += play(best).failed();
        if (v.rerun_failures == v.reruns) break;
    }
}

}  // namespace

Search::Search(const Invariant &inv, const probe::Target &t, const Settings &s)
    : settings_(s), cases_(inv.cases(t)), stream_(s.seed) {
    verdict_.name = std::string(inv.name);
}

bool Search::run(int goal, Progress &progress) {
    if (done_) return true;
    resumed_ = clock::now();
    if (!settings_.reproduce.empty()) {
        replay(verdict_, cases_, settings_.reproduce, progress);
        done_ = true;
    } else {
        done_ = search(std::min(goal, settings_.max_success), progress);
    }
    verdict_.seconds += std::chrono::duration<double>(clock::now() - resumed_).count();
    return done_;
}

bool Search::out_of_time() const {
    const auto spent =
        verdict_.seconds + std::chrono::duration<double>(clock::now() - resumed_).count();
    return spent >= static_cast<double>(settings_.time_limit.count());
}

bool Search::search(int goal, Progress &progress) {
    // Cases of growing size until one fails or max_success pass.
    Verdict &v = verdict_;
    const std::string limit = std::to_string(settings_.time_limit.count()) + " s";
    const int max_success = settings_.max_success;
    for (; passed_ < goal; ++draw_) {
        if (out_of_time()) {
            v.kind = Verdict::Kind::fail;
            v.reason = "the time limit (" + limit + ") ended the run after " +
                       std::to_string(passed_) + " passing cases of " + std::to_string(max_success);
            return true;
        }
        const int size = std::min(max_size, size_for(passed_, max_success) + discarded_ / 10);
        const auto found = cases_(stream_.split(), size);
        progress.running(v.name,
                         "case " + std::to_string(passed_ + 1) + "/" + std::to_string(max_success));
        auto o = play(found);
        if (o.kind == Outcome::Kind::discard) {
            if (++discarded_ > 10 * max_success) {
                v.kind = Verdict::Kind::fail;
                v.reason = "gave up: " + std::to_string(discarded_) +
                           " generated cases could not be run (" + o.reason + ")";
                return true;
            }
            continue;
        }
        v.cases = passed_ + 1;
        if (!o.failed()) {
            ++passed_;
            continue;
        }
        shrink(
            v, found, Place{v.name, settings_.seed, draw_, size, {}}, std::move(o),
            [this] { return out_of_time(); }, limit, progress);
        return true;
    }
    return passed_ >= max_success;
}

Verdict run_invariant(const Invariant &inv, const probe::Target &t, const Settings &s,
                      Progress &progress) {
    Search search(inv, t, s);
    search.run(s.max_success, progress);
    return search.verdict();
}

}  // namespace conformance
