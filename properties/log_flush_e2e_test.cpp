// SPDX-License-Identifier: MIT
// --log-flush: a child holds its "Message received" lines and writes
// them in blocks, yet every line reaches the log, in order, within the time
// given, and none is lost when the client leaves or the child gets SIGTERM.
// The log is a file here (a memfd), so lines are held unless told otherwise,
// from a connection's second batch of messages on: each test first sends one
// message whose line is written at once (start_holding).
#include <signal.h>

#include <gtest/gtest.h>

#include <chrono>
#include <string>
#include <thread>

#include "e2e_helpers.hpp"
#include "probe/test_client.hpp"

using namespace std::chrono_literals;
using probe::TestClient;

namespace {

// Held for a minute: within a test, only what is under test writes them.
const std::vector<std::string> held_long = {"--log-flush", "60000"};

// The first message and its reply; its line is in the log at once.
void start_holding(TestClient &c, const probe::ServerProcess &server) {
    ASSERT_TRUE(c.send("first\n"));
    ASSERT_EQ(c.read_line(), "Hello, World!");
    ASSERT_EQ(server.err(), "Message received: first\n");
}

TEST(LogFlush, AOneMessageConnectionWritesItsLineAtOnce) {
    auto server = e2e::start_server(held_long);
    TestClient c(server.port());
    start_holding(c, server);
}

TEST(LogFlush, ZeroWritesEachLineBeforeItsReply) {
    auto server = e2e::start_server({"--log-flush", "0"});
    TestClient c(server.port());
    for (const std::string m : {"one", "two"}) {
        ASSERT_TRUE(c.send(m + "\n"));
        ASSERT_EQ(c.read_line(), "Hello, World!");
        // The log is a file: what the child wrote before replying is there.
        EXPECT_NE(server.err().find("Message received: " + m + "\n"), std::string::npos);
    }
}

TEST(LogFlush, HeldLinesAreWrittenWhenTheClientLeaves) {
    auto server = e2e::start_server(held_long);
    TestClient c(server.port());
    start_holding(c, server);
    ASSERT_TRUE(c.send("one\ntwo\n"));
    ASSERT_EQ(c.read_line(), "Hello, World!");
    ASSERT_EQ(c.read_line(), "Hello, World!");
    EXPECT_EQ(server.err(), "Message received: first\n") << "held, not written per message";
    c.close();  // end of input, without quit
    EXPECT_TRUE(server.err_contains("Message received: one\nMessage received: two\n"));
}

TEST(LogFlush, HeldLinesAreWrittenInTimeWhileTheClientStays) {
    auto server = e2e::start_server({"--log-flush", "200"});
    TestClient c(server.port());
    start_holding(c, server);
    ASSERT_TRUE(c.send("one\n"));
    ASSERT_EQ(c.read_line(), "Hello, World!");
    // Written by the child's clock, not by its exit: it is still serving.
    EXPECT_TRUE(server.err_contains("Message received: one\n", 10s));
    EXPECT_EQ(server.children().size(), 1u);
    ASSERT_TRUE(c.send("two\n"));
    EXPECT_EQ(c.read_line(), "Hello, World!");
}

TEST(LogFlush, HeldLinesAreWrittenInTimeWhileTheClientKeepsTalking) {
    // A message every 20 ms: the child never waits long enough for its recv
    // to time out, and 200 lines of 20 bytes fill a block only after 4 s.
    // Its clock alone has the lines written, after about 200 ms.
    auto server = e2e::start_server({"--log-flush", "200"});
    TestClient c(server.port());
    start_holding(c, server);
    int sent = 0;
    while (sent < 100 && server.err().find("Message received: m\n") == std::string::npos) {
        ASSERT_TRUE(c.send("m\n"));
        ASSERT_EQ(c.read_line(), "Hello, World!");
        ++sent;
        std::this_thread::sleep_for(20ms);  // the client's pace, not a wait for the server
    }
    EXPECT_LT(sent, 100) << "no line written in 100 messages";
    EXPECT_EQ(server.children().size(), 1u);
}

TEST(LogFlush, SigtermToTheChildWritesItsHeldLinesFirst) {
    auto server = e2e::start_server({"--log-flush", "60000", "--grace", "0"});
    TestClient c(server.port());
    start_holding(c, server);
    ASSERT_TRUE(c.send("one\n"));
    ASSERT_EQ(c.read_line(), "Hello, World!");
    ASSERT_EQ(server.err(), "Message received: first\n");
    // The server's shutdown: no grace, so its child gets SIGTERM at once.
    ASSERT_EQ(server.process().signal(SIGTERM), 0);
    EXPECT_EQ(server.process().exit_code(15s), 0) << server.err();
    EXPECT_EQ(server.err(), "Message received: first\nMessage received: one\n");
    // And the child still ends as SIGTERM ends it, as the parent reports.
    EXPECT_TRUE(server.out_contains("killed by signal 15"));
}

TEST(LogFlush, AnErrorLineComesAfterTheLinesHeldBeforeIt) {
    auto server = e2e::start_server({"--log-flush", "60000", "--max-message", "5"});
    TestClient c(server.port());
    start_holding(c, server);
    ASSERT_TRUE(c.send("one\nmuch too long\n"));
    ASSERT_EQ(c.read_line(), "Hello, World!");
    ASSERT_TRUE(c.read_line());  // the error reply
    ASSERT_TRUE(server.err_contains("over 5 bytes"));
    const std::string err = server.err();
    EXPECT_LT(err.find("Message received: one\n"), err.find("over 5 bytes")) << err;
}

TEST(LogFlush, AFullBlockIsWrittenAsWholeLinesAtOnce) {
    auto server = e2e::start_server(held_long);
    TestClient c(server.port());
    start_holding(c, server);
    // 200 lines of 48 bytes in the log: more than two blocks of 4096.
    const std::string m(29, 'm');
    std::string batch;
    for (int i = 0; i < 200; ++i) batch += m + "\n";
    ASSERT_TRUE(c.send(batch));
    for (int i = 0; i < 200; ++i) ASSERT_EQ(c.read_line(), "Hello, World!") << i;
    const std::string err = server.err();
    const std::size_t written = e2e::count(err, "Message received: " + m + "\n");
    EXPECT_GE(written, 2 * 4096 / 48) << "full blocks are written at once";
    EXPECT_LT(written, 200u) << "the rest is held";
    EXPECT_EQ(err.size(), 24 + written * 48) << "whole lines only, after the first";
    c.close();
    EXPECT_TRUE(server.childless_within());
    EXPECT_EQ(e2e::count(server.err(), "Message received: " + m + "\n"), 200u);
}

}  // namespace
