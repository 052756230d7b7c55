// SPDX-License-Identifier: MIT
// One reply line per message, and the connection closes only after "quit":
// what a client reads back is decided here.
#include <gtest/gtest.h>

#include <string>

#include "protocol/reply.hpp"

namespace {

using namespace std::literals;
using proto::Message;
using proto::ReplyMode;
using proto::ReplyRules;

const ReplyRules hello{ReplyMode::hello, 199};
const ReplyRules echo{ReplyMode::echo, 199};

// text must outlive the message: a message views its bytes.
Message msg(std::string_view text) { return {text, false}; }

TEST(Reply, HelloModeAnswersHelloWorldAndKeepsTheConnection) {
    for (const auto *text : {"hi", "", "Hello, World!", "echo"}) {
        const auto r = proto::reply_to(msg(text), hello, "127.0.0.1");
        EXPECT_EQ(r.line(), "Hello, World!\n") << text;
        EXPECT_FALSE(r.close()) << text;
    }
}

TEST(Reply, EchoModeSendsTheBytesBackVerbatim) {
    for (const auto &text : {"hi"s, ""s, "a\0b"s, "\xff\xfe\r"s, "quit!"s}) {
        const auto r = proto::reply_to(msg(text), echo, "127.0.0.1");
        EXPECT_EQ(r.line(), text + "\n");
        EXPECT_FALSE(r.close());
    }
}

TEST(Reply, QuitSaysGoodbyeToTheClientAndClosesInHelloMode) {
    const auto r = proto::reply_to(msg("quit"), hello, "192.0.2.7");
    EXPECT_EQ(r.line(), "Goodbye, 192.0.2.7\n");
    EXPECT_TRUE(r.close());
}

TEST(Reply, QuitSaysGoodbyeToTheClientAndClosesInEchoMode) {
    const auto r = proto::reply_to(msg("quit"), echo, "::1");
    EXPECT_EQ(r.line(), "Goodbye, ::1\n");
    EXPECT_TRUE(r.close());
}

TEST(Reply, OnlyTheExactBytesQuitAreQuit) {
    for (const auto &text :
         {"quit "s, " quit"s, "QUIT"s, "Quit"s, "quit\r"s, "quit\0"s, "quitx"s, "qui"s}) {
        for (const auto &rules : {hello, echo}) {
            const auto r = proto::reply_to(msg(text), rules, "127.0.0.1");
            EXPECT_FALSE(r.close()) << '"' << text << '"';
            EXPECT_EQ(r.line().find("Goodbye"), std::string::npos) << '"' << text << '"';
        }
    }
}

TEST(Reply, TooLongNamesTheConfiguredLimitAndKeepsTheConnection) {
    for (const std::size_t max : {1u, 199u, 1048576u}) {
        for (const auto mode : {ReplyMode::hello, ReplyMode::echo}) {
            const auto r = proto::reply_to({{}, true}, {mode, max}, "127.0.0.1");
            EXPECT_EQ(r.line(),
                      "Error: message too long (max " + std::to_string(max) + " bytes)\n");
            EXPECT_FALSE(r.close());
        }
    }
}

TEST(Reply, EveryReplyEndsInExactlyOneNewline) {
    // Messages as the line framer makes them: never a "\n" inside.
    const Message messages[] = {msg(""),    msg("x"),    msg("quit"), msg("\r"),
                                msg("a\r"), msg("\0"sv), msg("QUIT"), {{}, true}};
    for (const auto &m : messages) {
        for (const auto &rules : {hello, echo}) {
            const auto r = proto::reply_to(m, rules, "10.0.0.1");
            const auto line = r.line();
            ASSERT_FALSE(line.empty());
            EXPECT_EQ(line.back(), '\n');
            EXPECT_EQ(line.find('\n'), line.size() - 1) << '"' << m.bytes << '"';
        }
    }
}

TEST(Reply, BusyReplyIsOneLine) { EXPECT_EQ(proto::busy_reply, "Error: server busy\n"); }

}  // namespace
