// SPDX-License-Identifier: MIT
// Client bytes go into the server's log: they must come out as one printable
// line that still shows every byte.
#include <gtest/gtest.h>

#include <set>
#include <string>

#include "protocol/escape.hpp"

namespace {

using namespace std::string_literals;
using proto::escape;

TEST(Escape, PrintableAsciiIsKept) {
    std::string printable;
    for (char c = 0x20; c < 0x7f; ++c)
        if (c != '\\') printable += c;
    EXPECT_EQ(escape(printable), printable);
    EXPECT_EQ(escape("Hello, World!"), "Hello, World!");
}

TEST(Escape, BackslashIsDoubled) {
    EXPECT_EQ(escape("\\"), "\\\\");
    EXPECT_EQ(escape("a\\x41"), "a\\\\x41");
}

TEST(Escape, TabCarriageReturnAndNewlineUseCEscapes) {
    EXPECT_EQ(escape("\t"), "\\t");
    EXPECT_EQ(escape("\r"), "\\r");
    EXPECT_EQ(escape("\n"), "\\n");
    EXPECT_EQ(escape("a\r\nb"), "a\\r\\nb");
}

TEST(Escape, OtherBytesAreTwoDigitHex) {
    EXPECT_EQ(escape("\0"s), "\\x00");
    EXPECT_EQ(escape("\xff"), "\\xff");
    EXPECT_EQ(escape("\x7f"), "\\x7f");
    EXPECT_EQ(escape("\x1b[0m"), "\\x1b[0m");
    EXPECT_EQ(escape("\xc3\xa9"), "\\xc3\\xa9");
}

TEST(Escape, EmptyStaysEmpty) { EXPECT_EQ(escape(""), ""); }

TEST(Escape, EveryByteComesOutAsPrintableAscii) {
    for (int b = 0; b < 256; ++b) {
        const std::string out = escape(std::string(1, static_cast<char>(b)));
        ASSERT_FALSE(out.empty()) << b;
        for (const char c : out) EXPECT_TRUE(c >= 0x20 && c < 0x7f) << "byte " << b;
    }
}

TEST(Escape, DistinctBytesGiveDistinctEscapes) {
    // Otherwise the log could not tell two messages apart.
    std::set<std::string> seen;
    for (int b = 0; b < 256; ++b) seen.insert(escape(std::string(1, static_cast<char>(b))));
    EXPECT_EQ(seen.size(), 256u);
}

TEST(Escape, PlainIsExactlyWhatEscapeKeeps) {
    // The server logs plain messages without escaping them, so is_plain must agree with escape.
    for (int b = 0; b < 256; ++b) {
        const std::string one(1, static_cast<char>(b));
        EXPECT_EQ(proto::is_plain(one), escape(one) == one) << "byte " << b;
        EXPECT_EQ(proto::is_plain("ab" + one + "cd"),
                  escape("ab" + one + "cd") == "ab" + one + "cd");
    }
    EXPECT_TRUE(proto::is_plain(""));
}

}  // namespace

TEST(EscapePrefix, StopsBeforeTheFirstEscapeThatWouldNotFit) {
    std::size_t taken = 99;
    EXPECT_EQ(proto::escape_prefix("abc\xff", 5, &taken), "abc");
    EXPECT_EQ(taken, 3u);
    EXPECT_EQ(proto::escape_prefix("abc\xff", 7, &taken), "abc\\xff");
    EXPECT_EQ(taken, 4u);
    EXPECT_EQ(proto::escape_prefix("\t\t\t", 5, &taken), "\\t\\t");
    EXPECT_EQ(taken, 2u);
    EXPECT_EQ(proto::escape_prefix("abc", 0, &taken), "");
    EXPECT_EQ(taken, 0u);
}

TEST(EscapePrefix, WithRoomForAllItIsEscape) {
    for (int b = 0; b < 256; ++b) {
        const std::string s = "x" + std::string(1, static_cast<char>(b)) + "y";
        std::size_t taken = 0;
        EXPECT_EQ(proto::escape_prefix(s, escape(s).size(), &taken), escape(s));
        EXPECT_EQ(taken, s.size());
    }
}
