// SPDX-License-Identifier: MIT
// A child's log: held message lines keep their order and whole lines, are
// written when due, before an error line and at the end, and SIGTERM does
// not lose them.
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <gtest/gtest.h>

#include <cerrno>
#include <chrono>
#include <string>

#include "server/child_log.hpp"
#include "server/log.hpp"
#include "stderr_pipe.hpp"
#include "sys/errno_text.hpp"

namespace {

using namespace std::chrono_literals;
using server::ChildLog;

// A log that holds from its first line on, each line due 50 ms after its batch.
struct Holding : ChildLog {
    Holding() : ChildLog("127.0.0.1:1", 50ms) { hold_from_now(); }
};

TEST(ChildLog, LinesOfTheFirstBatchAreWrittenAtOnce) {
    StderrPipe p;
    ChildLog log("127.0.0.1:1", 50ms);
    log.message({"Message received: ", "one"});
    EXPECT_EQ(p.drain(), "Message received: one\n");
    log.hold_from_now();
    log.message({"Message received: ", "two"});
    EXPECT_EQ(p.drain(), "");
}

TEST(ChildLog, ZeroHoldWritesEveryLineAtOnce) {
    StderrPipe p;
    ChildLog log("127.0.0.1:1", 0ms);
    log.hold_from_now();
    log.message({"Message received: ", "one"});
    EXPECT_EQ(p.drain(), "Message received: one\n");
    EXPECT_EQ(log.due(), ChildLog::clock::time_point::max());
}

TEST(ChildLog, HeldLinesWaitForAFlushAndKeepTheirOrder) {
    StderrPipe p;
    Holding log;
    log.message({"Message received: ", "one"});
    log.message({"Message received: ", "two"});
    EXPECT_EQ(p.drain(), "");
    log.flush();
    EXPECT_EQ(p.drain(), "Message received: one\nMessage received: two\n");
}

TEST(ChildLog, HeldLinesAreWrittenOnceDue) {
    StderrPipe p;
    Holding log;
    const auto t = ChildLog::clock::now();
    EXPECT_EQ(log.due(), ChildLog::clock::time_point::max()) << "nothing held";
    log.message({"Message received: ", "one"});
    log.tick(t);
    EXPECT_EQ(log.due(), t + 50ms);
    log.tick(t + 49ms);
    EXPECT_EQ(p.drain(), "");
    log.tick(t + 50ms);
    EXPECT_EQ(p.drain(), "Message received: one\n");
    EXPECT_EQ(log.due(), ChildLog::clock::time_point::max());
    // The next held line is due from its own batch, not from the first.
    log.message({"Message received: ", "two"});
    log.tick(t + 60ms);
    EXPECT_EQ(log.due(), t + 110ms);
}

TEST(ChildLog, TheEndWritesTheHeldLines) {
    StderrPipe p;
    {
        Holding log;
        log.message({"Message received: ", "one"});
        EXPECT_EQ(p.drain(), "");
    }
    EXPECT_EQ(p.drain(), "Message received: one\n");
}

TEST(ChildLog, AnErrorLineWritesTheHeldLinesFirst) {
    StderrPipe p;
    server::log::set_program("serverfork");
    Holding log;
    log.message({"Message received: ", "one"});
    errno = EPIPE;
    log.failed("send");
    EXPECT_EQ(p.drain(), "Message received: one\nserverfork: send failed: " +
                             sys::errno_text(EPIPE) + " (client 127.0.0.1:1)\n");
}

TEST(ChildLog, AFullBlockIsWrittenAsWholeLines) {
    StderrPipe p(1 << 16);
    Holding log;
    const std::string m(99, 'x');  // 100 bytes with the newline
    for (int i = 0; i < 41; ++i) log.message({m});
    EXPECT_EQ(p.drain(), [&] {
        std::string s;
        for (int i = 0; i < 40; ++i) s += m + "\n";
        return s;
    }()) << "40 lines fill a block of 4096; the 41st is held";
    log.flush();
    EXPECT_EQ(p.drain(), m + "\n");
}

TEST(ChildLog, AFullBlockKeepsTheDueTimeOfTheLinesHeldBeforeIt) {
    StderrPipe p(1 << 16);
    Holding log;
    const auto t = ChildLog::clock::now();
    const std::string m(99, 'x');
    log.message({m});
    log.tick(t);
    for (int i = 0; i < 40; ++i) log.message({m});  // the 41st line fills the block
    EXPECT_EQ(p.drain().size(), 4000u);
    log.tick(t + 10ms);
    EXPECT_EQ(log.due(), t + 50ms) << "the alarm set for it still serves";
}

TEST(ChildLog, ALineLongerThanABlockIsWrittenAtOnceAfterTheHeldOnes) {
    StderrPipe p(1 << 16);
    Holding log;
    log.message({"Message received: ", "one"});
    const std::string big(5000, 'b');
    log.message({"Message received: ", big});
    EXPECT_EQ(log.due(), ChildLog::clock::time_point::max()) << "nothing held";
    EXPECT_EQ(p.drain(), "Message received: one\nMessage received: " + big + "\n");
}

TEST(ChildLog, EndBySignalWritesTheHeldLinesThenDiesOfTheSignal) {
    StderrPipe p;
    const pid_t pid = ::fork();
    ASSERT_GE(pid, 0);
    if (pid == 0) {
        struct sigaction sa {};
        sa.sa_handler = ChildLog::end_by_signal;
        ::sigaction(SIGTERM, &sa, nullptr);
        Holding log;
        log.message({"Message received: ", "held"});
        ::raise(SIGTERM);
        ::_exit(3);  // not reached: SIGTERM's default action ends it
    }
    int status = 0;
    ASSERT_EQ(::waitpid(pid, &status, 0), pid);
    EXPECT_TRUE(WIFSIGNALED(status) && WTERMSIG(status) == SIGTERM) << status;
    EXPECT_EQ(p.drain(), "Message received: held\n");
}

}  // namespace
