// SPDX-License-Identifier: MIT
#include "conformance/runner.hpp"

#include <rapidcheck.h>

#include <algorithm>
#include <charconv>
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

Verdict run_invariant(const Invariant &inv, const probe::Target &t, const Settings &s,
                      Progress &progress) {
    const auto start = clock::now();
    const auto deadline = start + s.time_limit;
    Verdict v;
    v.name = std::string(inv.name);
    const auto cases = inv.cases(t);
    const auto finish = [&] {
        v.seconds = std::chrono::duration<double>(clock::now() - start).count();
        return v;
    };
    const auto fail_with = [&](const rc::Shrinkable<Case> &c, const Place &p, std::string why) {
        v.kind = Verdict::Kind::fail;
        v.reason = std::move(why);
        v.counterexample = lines_of(c.value().show());
        v.reproduce = text_of(p);
    };

    Place place{v.name, s.seed, 0, 0, {}};
    if (!s.reproduce.empty()) {
        // Replay: walk the generator's tree to the case, then run it once.
        v.replayed = true;
        if (!place_of(s.reproduce, place) || place.name != inv.name) {
            v.kind = Verdict::Kind::fail;
            v.reason = "could not replay: '" + s.reproduce + "' is not a case of " + v.name;
            return finish();
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
                v.reason = "could not replay: '" + s.reproduce +
                           "' leads to no case of this forkcheck's " + v.name;
                return finish();
            }
            node = std::move(*next);
        }
        progress.running(inv.name, "replaying the minimal case");
        v.cases = 1;
        if (auto o = play(node); o.failed()) fail_with(node, place, std::move(o.reason));
        return finish();
    }

    // Search: cases of growing size until one fails or max_success pass.
    rc::Random stream(s.seed);
    int passed = 0, discarded = 0;
    const std::string limit = std::to_string(s.time_limit.count()) + " s";
    for (int draw = 0; passed < s.max_success; ++draw) {
        if (clock::now() >= deadline) {
            v.kind = Verdict::Kind::fail;
            v.reason = "the time limit (" + limit + ") ended the run after " +
                       std::to_string(passed) + " passing cases of " +
                       std::to_string(s.max_success);
            return finish();
        }
        const int size = std::min(max_size, size_for(passed, s.max_success) + discarded / 10);
        const auto found = cases(stream.split(), size);
        progress.running(
            inv.name, "case " + std::to_string(passed + 1) + "/" + std::to_string(s.max_success));
        auto o = play(found);
        if (o.kind == Outcome::Kind::discard) {
            if (++discarded > 10 * s.max_success) {
                v.kind = Verdict::Kind::fail;
                v.reason = "gave up: " + std::to_string(discarded) +
                           " generated cases could not be run (" + o.reason + ")";
                return finish();
            }
            continue;
        }
        v.cases = passed + 1;
        if (!o.failed()) {
            ++passed;
            continue;
        }
        place.draw = draw;
        place.size = size;

        // Shrink: take the first smaller case that still fails, until none does.
        auto best = found;
        int tried = 0;
        bool stopped = false;
        auto shrinks = best.shrinks();
        for (std::size_t i = 0; auto next = shrinks.next();) {
            if (clock::now() >= deadline) {
                stopped = true;
                break;
            }
            progress.running(inv.name, "shrinking, step " + std::to_string(place.path.size() + 1) +
                                           " (" + std::to_string(++tried) +
                                           " smaller cases tried)");
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
        fail_with(best, place, std::move(o.reason));
        if (stopped) {
            v.reason += " (shrinking stopped at the time limit, " + limit + ")";
            return finish();
        }
        // A minimal case that passes when run again depends on timing: say
        // how often it fails, with the reason recorded when it did.
        for (int i = 0; i < 3 && clock::now() < deadline; ++i) {
            progress.running(inv.name, "running the minimal case again");
            ++v.reruns;
            v.rerun_failures += play(best).failed();
            if (v.rerun_failures == v.reruns) break;
        }
        return finish();
    }
    return finish();
}

}  // namespace conformance
