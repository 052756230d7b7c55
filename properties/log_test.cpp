// SPDX-License-Identifier: MIT
// The server's log lines: one write each, and a log that cannot take a line
// (a full, non-blocking pipe) neither blocks nor spins the server, nor changes
// the errno the caller is about to report.
#include <gtest/gtest.h>

#include <cerrno>
#include <string>

#include "server/log.hpp"
#include "stderr_pipe.hpp"

namespace {

TEST(Log, ALineIsItsPiecesAndANewline) {
    StderrPipe p;
    server::log::set_program("serverfork");
    server::log::line({"Message received: ", "hello"});
    server::log::error("closing 127.0.0.1:1: no message for 5 s");
    EXPECT_EQ(p.drain(),
              "Message received: hello\nserverfork: closing 127.0.0.1:1: no message for 5 s\n");
}

TEST(Log, ALongLineIsWrittenWhole) {
    StderrPipe p;
    const std::string big(3000, 'x');
    server::log::line({"Message received: ", big, " (", "end", ")"});
    EXPECT_EQ(p.drain(), "Message received: " + big + " (end)\n");
}

TEST(Log, AFullLogNeitherBlocksNorLosesErrno) {
    StderrPipe p;
    const std::string big(6000, 'y');  // more than the pipe holds
    errno = ECONNRESET;
    server::log::line({"Message received: ", big});  // returns: EAGAIN ends it
    EXPECT_EQ(errno, ECONNRESET);
    const std::string got = p.drain();
    EXPECT_EQ(got.size(), 4096u) << "the part that fitted";
    EXPECT_EQ(got, ("Message received: " + big).substr(0, got.size()));
}

}  // namespace
