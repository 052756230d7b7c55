// The server's log lines: one write each, and a log that cannot take a line
// (a full, non-blocking pipe) neither blocks nor spins the server, nor changes
// the errno the caller is about to report.
#include <fcntl.h>
#include <unistd.h>

#include <gtest/gtest.h>

#include <cerrno>
#include <string>

#include "server/log.hpp"

namespace {

// Points stderr at a pipe of one page for the test's duration.
struct StderrPipe {
    int fds[2] = {-1, -1};
    int saved = ::dup(STDERR_FILENO);
    StderrPipe() {
        if (::pipe2(fds, O_CLOEXEC | O_NONBLOCK) != 0) return;
        ::fcntl(fds[1], F_SETPIPE_SZ, 4096);
        ::dup2(fds[1], STDERR_FILENO);
    }
    ~StderrPipe() {
        ::dup2(saved, STDERR_FILENO);
        ::close(saved);
        ::close(fds[0]);
        ::close(fds[1]);
    }
    std::string drain() const {
        std::string s;
        char buf[4096];
        for (ssize_t n; (n = ::read(fds[0], buf, sizeof buf)) > 0;) s.append(buf, n);
        return s;
    }
};

TEST(Log, ALineIsItsPiecesAndANewline) {
    StderrPipe p;
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
