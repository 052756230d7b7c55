// A counterexample as forkcheck prints it: in the suite's words, runs of
// equal sends counted, nothing empty.
#include <gtest/gtest.h>

#include <sstream>

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

}  // namespace
