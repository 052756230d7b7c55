// SPDX-License-Identifier: MIT
// The line framer decides what a message is: TCP may cut the stream anywhere,
// so the messages must not depend on where, and no input may grow its buffer.
#include <gtest/gtest.h>

#include <algorithm>
#include <optional>
#include <random>
#include <string>
#include <string_view>
#include <vector>

#include "kept_messages.hpp"
#include "protocol/line_framer.hpp"

namespace {

using kept::Message;
using proto::LineFramer;

using namespace std::string_literals;

Message msg(std::string bytes) { return {std::move(bytes), false}; }
const Message too_long{{}, true};

// Feeds each piece in turn, then ends the input; checks the buffer bound
// after every piece.
std::vector<Message> frame_pieces(std::size_t max, const std::vector<std::string_view> &pieces) {
    LineFramer f(max);
    std::vector<Message> out;
    for (const auto piece : pieces) {
        kept::feed(f, piece, out);
        EXPECT_LE(f.buffered(), f.capacity_bound());
    }
    if (auto last = kept::finish(f)) out.push_back(*last);
    return out;
}

std::vector<Message> frame(std::size_t max, std::string_view whole) {
    return frame_pieces(max, {whole});
}

// With max 5: every kind of line, including over-long ones and an
// unterminated last line.
const std::string stream =
    "hello\n"     // exactly max
    "\n"          // empty
    "a\r\n"       // CRLF
    "abcde\r\n"   // max plus CRLF
    "abcdef\n"    // max+1
    "x\0\xff\n"s  // NUL and a non-UTF-8 byte
    "far-too-long-line\r\n"
    "b\r\r\n"  // only one \r stripped
    "c\rd\n"   // \r inside kept
    "tail";
const std::vector<Message> stream_messages = {
    msg("hello"),    msg(""),  msg("a"),   msg("abcde"), too_long,
    msg("x\0\xff"s), too_long, msg("b\r"), msg("c\rd"),  msg("tail"),
};

TEST(LineFramer, WholeStreamGivesEachMessageInOrder) {
    EXPECT_EQ(frame(5, stream), stream_messages);
}

TEST(LineFramer, EveryCutIntoTwoPiecesGivesTheSameMessages) {
    const std::string_view s = stream;
    for (std::size_t i = 0; i <= s.size(); ++i)
        EXPECT_EQ(frame_pieces(5, {s.substr(0, i), s.substr(i)}), stream_messages)
            << "cut at " << i;
}

TEST(LineFramer, EveryCutIntoThreePiecesGivesTheSameMessages) {
    const std::string_view s = stream;
    for (std::size_t i = 0; i <= s.size(); ++i)
        for (std::size_t j = i; j <= s.size(); ++j)
            ASSERT_EQ(frame_pieces(5, {s.substr(0, i), s.substr(i, j - i), s.substr(j)}),
                      stream_messages)
                << "cuts at " << i << " and " << j;
}

TEST(LineFramer, OneBytePiecesGiveTheSameMessages) {
    const std::string_view s = stream;
    std::vector<std::string_view> bytes;
    for (std::size_t i = 0; i < s.size(); ++i) bytes.push_back(s.substr(i, 1));
    EXPECT_EQ(frame_pieces(5, bytes), stream_messages);
}

TEST(LineFramer, RandomCutsOfRandomStreamsGiveTheSameMessagesAsNoCut) {
    std::mt19937 rng(20240601);
    const std::string alphabet = "ab\r\r\n\n\0"s;
    for (int round = 0; round < 300; ++round) {
        const std::size_t max = 1 + rng() % 8;
        std::string s(rng() % 80, ' ');
        for (auto &c : s) c = alphabet[rng() % alphabet.size()];
        std::vector<std::string_view> pieces;
        for (std::string_view rest = s; !rest.empty();) {
            const std::size_t n = std::min<std::size_t>(rest.size(), rng() % 12);
            pieces.push_back(rest.substr(0, n));
            rest.remove_prefix(n);
        }
        ASSERT_EQ(frame_pieces(max, pieces), frame(max, s)) << "max " << max << ", stream " << s;
    }
}

TEST(LineFramer, LineOfMaxMinusOneBytesIsAMessage) {
    EXPECT_EQ(frame(8, "1234567\n"), std::vector{msg("1234567")});
}

TEST(LineFramer, LineOfMaxBytesIsAMessage) {
    EXPECT_EQ(frame(8, "12345678\n"), std::vector{msg("12345678")});
}

TEST(LineFramer, LineOfMaxPlusOneBytesIsTooLong) {
    EXPECT_EQ(frame(8, "123456789\n"), std::vector{too_long});
}

TEST(LineFramer, LineOfMaxBytesWithCrlfIsAMessage) {
    EXPECT_EQ(frame(8, "12345678\r\n"), std::vector{msg("12345678")});
    EXPECT_EQ(frame_pieces(8, {"12345678\r", "\n"}), std::vector{msg("12345678")});
}

TEST(LineFramer, LineOfMaxPlusOneBytesWithCrlfIsTooLong) {
    EXPECT_EQ(frame(8, "123456789\r\n"), std::vector{too_long});
}

TEST(LineFramer, DefaultLimitIsAcceptedAndOneMoreIsNot) {
    const std::size_t max = proto::default_max_message;
    const std::string at = std::string(max, 'm') + "\n";
    const std::string over = std::string(max + 1, 'm') + "\n";
    EXPECT_EQ(frame(max, at), std::vector{msg(std::string(max, 'm'))});
    EXPECT_EQ(frame(max, over), std::vector{too_long});
}

TEST(LineFramer, TenTimesMaxIsOneTooLongThenTheNextLineIsNormal) {
    const std::string input = std::string(80, 'x') + "\nnext\n";
    EXPECT_EQ(frame(8, input), (std::vector{too_long, msg("next")}));
}

TEST(LineFramer, OneMegabyteInChunksIsOneTooLongAndStaysBounded) {
    LineFramer f(199);
    std::vector<Message> out;
    const std::string chunk(4096, 'z');
    for (std::size_t sent = 0; sent < (1u << 20); sent += chunk.size()) {
        kept::feed(f, chunk, out);
        ASSERT_LE(f.buffered(), f.capacity_bound());
    }
    kept::feed(f, "\nok\n", out);
    EXPECT_EQ(out, (std::vector{too_long, msg("ok")}));
}

TEST(LineFramer, TooLongIsReportedBeforeTheLineEnds) {
    LineFramer f(8);
    std::vector<Message> out;
    kept::feed(f, "123456789", out);
    EXPECT_EQ(out, std::vector{too_long});
    kept::feed(f, "more of the same line", out);
    EXPECT_EQ(out, std::vector{too_long}) << "one too_long per line";
}

TEST(LineFramer, MaxBytesAndACarriageReturnAreNotYetTooLong) {
    // It may still be a line of max bytes ending in "\r\n".
    LineFramer f(8);
    std::vector<Message> out;
    kept::feed(f, "12345678\r", out);
    EXPECT_TRUE(out.empty());
}

TEST(LineFramer, RestOfATooLongLineIsDiscarded) {
    EXPECT_EQ(frame_pieces(3, {"abcd", "efg", "hi\r", "\nok\n"}),
              (std::vector{too_long, msg("ok")}));
}

TEST(LineFramer, CrlfLosesExactlyOneCarriageReturn) {
    EXPECT_EQ(frame(10, "a\r\n"), std::vector{msg("a")});
    EXPECT_EQ(frame(10, "a\r\r\n"), std::vector{msg("a\r")});
}

TEST(LineFramer, CarriageReturnInsideALineIsKept) {
    EXPECT_EQ(frame(10, "a\rb\n"), std::vector{msg("a\rb")});
    EXPECT_EQ(frame(10, "\ra\n"), std::vector{msg("\ra")});
}

TEST(LineFramer, NulAndNonUtf8BytesAreKeptVerbatim) {
    const std::string line = "\0a\0\xff\xfe\xc3("s;
    EXPECT_EQ(frame(10, line + "\n"), std::vector{msg(line)});
}

TEST(LineFramer, EmptyLinesAreMessages) {
    EXPECT_EQ(frame(10, "\n\r\n\n"), (std::vector{msg(""), msg(""), msg("")}));
}

TEST(LineFramer, FinishGivesTheUnterminatedLastLine) {
    LineFramer f(10);
    std::vector<Message> out;
    kept::feed(f, "one\ntwo", out);
    EXPECT_EQ(out, std::vector{msg("one")});
    EXPECT_EQ(kept::finish(f), std::optional{msg("two")});
}

TEST(LineFramer, FinishWithNothingPendingGivesNothing) {
    LineFramer fresh(10);
    EXPECT_EQ(kept::finish(fresh), std::nullopt);

    LineFramer after_line(10);
    std::vector<Message> out;
    kept::feed(after_line, "one\n", out);
    EXPECT_EQ(kept::finish(after_line), std::nullopt);
}

TEST(LineFramer, ALineCutInTwoIsGivenOnceEvenIfFinishFollowsIt) {
    // The message views the framer's buffer: it holds until the next call,
    // and finish() right after it must not give the line again.
    LineFramer f(10);
    std::string_view first = "on";
    EXPECT_EQ(f.next(first), std::nullopt);
    std::string_view rest = "e\n";
    const auto m = f.next(rest);
    ASSERT_TRUE(m.has_value());
    EXPECT_EQ(kept::of(*m), msg("one"));
    EXPECT_EQ(kept::finish(f), std::nullopt);
}

TEST(LineFramer, FinishInsideATooLongLineGivesNothing) {
    LineFramer f(3);
    std::vector<Message> out;
    kept::feed(f, "abcdefgh", out);
    EXPECT_EQ(out, std::vector{too_long});
    EXPECT_EQ(kept::finish(f), std::nullopt);
}

TEST(LineFramer, UnterminatedLineOfMaxBytesIsAMessage) {
    LineFramer f(3);
    std::vector<Message> out;
    kept::feed(f, "abc", out);
    EXPECT_TRUE(out.empty());
    EXPECT_EQ(kept::finish(f), std::optional{msg("abc")});
}

TEST(LineFramer, BufferNeverExceedsItsBoundWhateverIsFed) {
    std::mt19937 rng(7);
    const std::string alphabet = "xy\r\n"s;
    for (const std::size_t max : {1u, 2u, 5u, 199u}) {
        LineFramer f(max);
        std::vector<Message> out;
        for (int i = 0; i < 2000; ++i) {
            std::string piece(rng() % (3 * max + 2), ' ');
            // Newlines rare enough that many lines run over the limit.
            for (auto &c : piece) c = rng() % 50 == 0 ? '\n' : alphabet[rng() % 3];
            kept::feed(f, piece, out);
            ASSERT_LE(f.buffered(), f.capacity_bound()) << "max " << max;
        }
    }
}

TEST(RawMessage, StripsOneTrailingNewline) {
    EXPECT_EQ(kept::of(proto::raw_message("hello\n")), msg("hello"));
    EXPECT_EQ(kept::of(proto::raw_message("hello\n\n")), msg("hello\n"));
}

TEST(RawMessage, StripsOneTrailingCrlf) {
    EXPECT_EQ(kept::of(proto::raw_message("hello\r\n")), msg("hello"));
    EXPECT_EQ(kept::of(proto::raw_message("hello\r\n\r\n")), msg("hello\r\n"));
    EXPECT_EQ(kept::of(proto::raw_message("hello\r\r\n")), msg("hello\r"));
}

TEST(RawMessage, KeepsEverythingElse) {
    EXPECT_EQ(kept::of(proto::raw_message("hello")), msg("hello"));
    EXPECT_EQ(kept::of(proto::raw_message("a\nb")), msg("a\nb"));
    EXPECT_EQ(kept::of(proto::raw_message("\0\xff"s)), msg("\0\xff"s));
    EXPECT_EQ(kept::of(proto::raw_message("")), msg(""));
}

TEST(RawMessage, KeepsALoneTrailingCarriageReturn) {
    // Only "\n" or "\r\n" is a line ending; a final "\r" without "\n" is data.
    EXPECT_EQ(kept::of(proto::raw_message("hello\r")), msg("hello\r"));
}

}  // namespace
