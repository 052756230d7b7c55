// SPDX-License-Identifier: MIT
// A counterexample as forkcheck prints it: in the suite's words, runs of
// equal sends counted, nothing empty.
#include <gtest/gtest.h>
#include <rapidcheck.h>

#include <algorithm>
#include <functional>
#include <sstream>

#include "conformance/generators.hpp"
#include "conformance/invariants.hpp"
#include "conformance/scenario.hpp"

namespace {

std::string shown(const conformance::Scenario &s) {
    std::ostringstream os;
    conformance::showValue(s, os);
    return os.str();
}

TEST(Counterexample, ManyOneByteSendsAreCounted) {
    conformance::Scenario s;
    conformance::Client c;
    c.messages = {{std::string(198, 'x'), "\n"}};
    c.chunk_sizes = {1};
    c.pauses_ms = {0};
    s.clients = {c};
    const std::string text = shown(s);
    EXPECT_NE(text.find("cut into 199 sends of 1 byte"), std::string::npos) << text;
    EXPECT_EQ(text.find(" 1 1 1"), std::string::npos) << text;
}

TEST(Counterexample, NoEmptyLinesForAClientThatSendsNothing) {
    conformance::Scenario s;
    conformance::Client c;
    c.chunk_sizes = {5};
    c.pauses_ms = {3};
    s.clients = {c};
    s.order = {};
    EXPECT_EQ(shown(s), "1 client\nclient 0: sends nothing\n  then: half-close, read all replies");
}

TEST(Counterexample, TheInterleavingOnlyWhenTwoClientsSend) {
    conformance::Scenario s;
    conformance::Client a, b;
    a.messages = {{"hi", "\n"}};
    b.messages = {{"yo", "\r\n"}};
    a.chunk_sizes = b.chunk_sizes = {1};
    a.pauses_ms = b.pauses_ms = {0};
    s.clients = {a, b};
    s.order = {0, 0, 1, 0};
    const std::string text = shown(s);
    EXPECT_NE(text.find("2 clients connected together"), std::string::npos) << text;
    EXPECT_NE(text.find("sends taken in turn by clients: 0 (2 sends), 1, 0"), std::string::npos)
        << text;
    s.clients[1].messages.clear();
    EXPECT_EQ(shown(s).find("in turn"), std::string::npos);
}

// The stateful model's sends of a long line (the limit and past it) are
// counted, as a scenario's are, not printed byte by byte.
TEST(Counterexample, AStatefulSendOfALongLineIsCounted) {
    probe::Target t;
    const auto &inv = conformance::invariants();
    const auto stateful = std::find_if(inv.begin(), inv.end(),
                                       [](const auto &i) { return i.name == "stateful-model"; });
    ASSERT_NE(stateful, inv.end());
    const auto gen = stateful->cases(t);
    rc::Random random;
    int long_sends = 0;
    for (int i = 0; i < 300 && long_sends < 3; ++i) {
        random = random.split();
        const std::string text = gen(random, rc::kNominalSize).value().show();
        EXPECT_EQ(text.find(std::string(41, 'x')), std::string::npos) << text;
        long_sends += text.find("\"x\" x ") != std::string::npos;
    }
    EXPECT_GE(long_sends, 3);
}

}  // namespace

// A generated case shrinks to what the failure needs: the clients it does
// not need dropped (the others unchanged) and no burst unless it is needed.
// Each failing shrink step of a process-level invariant costs a bounded
// wait, so every step saved is time saved.
namespace shrink {

using conformance::Scenario;

// Greedy descent, as rapidcheck's own search: the first smaller case that
// still fails, until none does.
Scenario minimal(rc::Shrinkable<Scenario> s, const std::function<bool(const Scenario &)> &fails) {
    for (bool smaller = true; smaller;) {
        smaller = false;
        auto shrinks = s.shrinks();
        while (auto next = shrinks.next()) {
            if (fails(next->value())) {
                s = *next;
                smaller = true;
                break;
            }
        }
    }
    return s.value();
}

bool sends_crlf(const conformance::Client &c) {
    for (const auto &m : c.messages)
        if (m.ending == "\r\n") return true;
    return false;
}

TEST(Counterexample, ShrinksToOneClientAndNoBurst) {
    probe::Target t;
    const auto gen = conformance::gen::scenario(t, conformance::gen::max_clients, true);
    rc::Random random;
    int shrunk = 0;
    for (int i = 0; i < 200 && shrunk < 20; ++i) {
        random = random.split();
        const auto s = gen(random, 100);
        const auto fails = [](const Scenario &c) {
            return std::any_of(c.clients.begin(), c.clients.end(), sends_crlf);
        };
        if (!fails(s.value()) || s.value().clients.size() < 2 || s.value().burst == 0) continue;
        const Scenario m = minimal(s, fails);
        EXPECT_EQ(m.clients.size(), 1u) << shown(m);
        EXPECT_EQ(m.burst, 0) << shown(m);
        EXPECT_EQ(m.clients[0].messages.size(), 1u) << shown(m);
        ++shrunk;
    }
    EXPECT_GE(shrunk, 5);
}

TEST(Counterexample, ABurstThatIsNeededStaysAtItsLeast) {
    probe::Target t;
    const auto gen = conformance::gen::scenario(t, conformance::gen::max_clients, true);
    rc::Random random;
    int shrunk = 0;
    for (int i = 0; i < 200 && shrunk < 10; ++i) {
        random = random.split();
        const auto s = gen(random, 100);
        const auto fails = [](const Scenario &c) { return c.burst > 0; };
        if (!fails(s.value())) continue;
        const Scenario m = minimal(s, fails);
        EXPECT_EQ(m.clients.size(), 1u) << shown(m);
        EXPECT_EQ(m.burst, 8) << shown(m);
        ++shrunk;
    }
    EXPECT_GE(shrunk, 5);
}

}  // namespace shrink
