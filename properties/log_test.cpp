// The server's log lines: one write each, and a log that cannot take a line
// (a full, non-blocking pipe) neither blocks nor spins the server, nor changes
// the errno the caller is about to report. Held lines (a child's) keep their
// order and whole lines, and SIGTERM does not lose them.
#include <fcntl.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <gtest/gtest.h>

#include <cerrno>
#include <string>

#include "cli/args.hpp"
#include "server/log.hpp"

namespace {

// Points stderr at a pipe of one page (or size) for the test's duration.
struct StderrPipe {
    int fds[2] = {-1, -1};
    int saved = ::dup(STDERR_FILENO);
    explicit StderrPipe(int size = 4096) {
        if (::pipe2(fds, O_CLOEXEC | O_NONBLOCK) != 0) return;
        ::fcntl(fds[1], F_SETPIPE_SZ, size);
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

// Holding for one test, and never after it.
struct Holding {
    Holding() { server::log::hold_lines(true); }
    ~Holding() { server::log::hold_lines(false); }
};

TEST(LogHeld, LinesWaitForAFlushAndKeepTheirOrder) {
    StderrPipe p;
    Holding h;
    server::log::line({"Message received: ", "one"});
    server::log::line({"Message received: ", "two"});
    EXPECT_TRUE(server::log::lines_held());
    EXPECT_EQ(p.drain(), "");
    server::log::flush_held();
    EXPECT_FALSE(server::log::lines_held());
    EXPECT_EQ(p.drain(), "Message received: one\nMessage received: two\n");
}

TEST(LogHeld, AnErrorLineWritesTheHeldLinesFirst) {
    StderrPipe p;
    Holding h;
    server::log::line({"Message received: ", "one"});
    errno = EPIPE;
    server::log::failed("send");
    EXPECT_EQ(p.drain(),
              "Message received: one\nserverfork: send failed: " + cli::errno_text(EPIPE) + "\n");
}

TEST(LogHeld, AFullBlockIsWrittenAsWholeLines) {
    StderrPipe p(1 << 16);
    Holding h;
    const std::string m(99, 'x');  // 100 bytes with the newline
    for (int i = 0; i < 41; ++i) server::log::line({m});
    EXPECT_EQ(p.drain(), [&] {
        std::string s;
        for (int i = 0; i < 40; ++i) s += m + "\n";
        return s;
    }()) << "40 lines fill a block of 4096; the 41st is held";
    server::log::flush_held();
    EXPECT_EQ(p.drain(), m + "\n");
}

TEST(LogHeld, ALineLongerThanABlockIsWrittenAtOnceAfterTheHeldOnes) {
    StderrPipe p(1 << 16);
    Holding h;
    server::log::line({"Message received: ", "one"});
    const std::string big(5000, 'b');
    server::log::line({"Message received: ", big});
    EXPECT_FALSE(server::log::lines_held());
    EXPECT_EQ(p.drain(), "Message received: one\nMessage received: " + big + "\n");
}

TEST(LogHeld, EndBySignalWritesTheHeldLinesThenDiesOfTheSignal) {
    StderrPipe p;
    const pid_t pid = ::fork();
    ASSERT_GE(pid, 0);
    if (pid == 0) {
        struct sigaction sa {};
        sa.sa_handler = server::log::end_by_signal;
        ::sigaction(SIGTERM, &sa, nullptr);
        server::log::hold_lines(true);
        server::log::line({"Message received: ", "held"});
        ::raise(SIGTERM);
        ::_exit(3);  // not reached: SIGTERM's default action ends it
    }
    int status = 0;
    ASSERT_EQ(::waitpid(pid, &status, 0), pid);
    EXPECT_TRUE(WIFSIGNALED(status) && WTERMSIG(status) == SIGTERM) << status;
    EXPECT_EQ(p.drain(), "Message received: held\n");
}

}  // namespace
