// SPDX-License-Identifier: MIT
// The fault suite drives every failure point by name from this table, so the
// table must be complete and consistent, and each shim must really fire.
#include <gtest/gtest.h>

#include <fcntl.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdint>
#include <cstring>
#include <functional>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "sys/fault.hpp"
#include "sys/fd.hpp"
#include "sys/io.hpp"
#include "sys/net.hpp"
#include "sys/proc.hpp"

#if FORKCHECK_SHIMS
#include <fiu-control.h>
#include <fiu.h>
#endif

namespace {

using sys::Point;

std::vector<Point> all_points() {
    std::vector<Point> points;
    for (int i = 0; i < static_cast<int>(Point::count_); ++i) points.push_back(Point(i));
    return points;
}

TEST(FaultTable, HasOneEntryPerPointInEnumOrder) {
    const auto table = sys::fault_points();
    ASSERT_EQ(table.size(), static_cast<std::size_t>(Point::count_));
    for (std::size_t i = 0; i < table.size(); ++i)
        EXPECT_EQ(table[i].point, Point(i)) << table[i].name;
}

TEST(FaultTable, EveryNameStartsWithSys) {
    for (const auto &fp : sys::fault_points()) EXPECT_TRUE(fp.name.starts_with("sys/")) << fp.name;
}

TEST(FaultTable, NamesAreUnique) {
    std::set<std::string_view> names;
    for (const auto &fp : sys::fault_points())
        EXPECT_TRUE(names.insert(fp.name).second) << "twice: " << fp.name;
}

TEST(FaultTable, FailurePointsHaveDistinctErrnos) {
    for (const auto &fp : sys::fault_points()) {
        if (fp.reduce) continue;
        EXPECT_FALSE(fp.errnos.empty()) << fp.name;
        const std::set<int> distinct(fp.errnos.begin(), fp.errnos.end());
        EXPECT_EQ(distinct.size(), fp.errnos.size()) << fp.name << " lists an errno twice";
        for (const int e : fp.errnos) EXPECT_GT(e, 0) << fp.name;
    }
}

TEST(FaultTable, HasThePointsTheFaultSuiteNeeds) {
    for (const char *name :
         {"sys/proc/fork", "sys/proc/waitpid", "sys/net/socket", "sys/net/bind", "sys/net/listen",
          "sys/net/accept", "sys/net/recv", "sys/net/send", "sys/net/setsockopt",
          "sys/proc/sigaction", "sys/io/close", "sys/io/poll"}) {
        const auto *fp = sys::find_fault_point(name);
        ASSERT_NE(fp, nullptr) << name;
        EXPECT_FALSE(fp->reduce) << name;
    }
    for (const char *name : {"sys/net/recv/reduce", "sys/net/send/reduce"}) {
        const auto *fp = sys::find_fault_point(name);
        ASSERT_NE(fp, nullptr) << name;
        EXPECT_TRUE(fp->reduce) << name;
    }
}

TEST(FaultTable, FindByNameRoundTrips) {
    for (const auto &fp : sys::fault_points()) EXPECT_EQ(sys::find_fault_point(fp.name), &fp);
}

TEST(FaultTable, FindUnknownNameGivesNull) {
    for (const char *name : {"", "sys/", "sys/net", "sys/net/recv/", "posix/io/net/recv",
                             "SYS/NET/RECV", "sys/net/recv/reduce/x"})
        EXPECT_EQ(sys::find_fault_point(name), nullptr) << '"' << name << '"';
}

TEST(FaultTable, FaultPointOfAPointIsThatPoint) {
    for (const Point p : all_points()) EXPECT_EQ(sys::fault_point(p).point, p);
}

#if FORKCHECK_SHIMS

void init_fiu() {
    static const int once = fiu_init(0);
    ASSERT_EQ(once, 0);
}

void *errno_info(int e) { return reinterpret_cast<void *>(static_cast<std::intptr_t>(e)); }

// Enables a point for the scope, so no test leaks a failure into the next.
class Enabled {
public:
    Enabled(const char *name, void *failinfo) : name_(name) {
        init_fiu();
        EXPECT_EQ(fiu_enable(name_, 1, failinfo, 0), 0) << name_;
    }
    ~Enabled() { fiu_disable(name_); }
    Enabled(const Enabled &) = delete;
    Enabled &operator=(const Enabled &) = delete;

private:
    const char *name_;
};

struct SocketPair {
    SocketPair() {
        int fds[2];
        EXPECT_EQ(::socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, fds), 0);
        a = sys::OwnFd(fds[0]);
        b = sys::OwnFd(fds[1]);
    }
    sys::OwnFd a, b;
};

int fresh_socket() { return sys::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0); }

TEST(FaultShims, SocketFailsWithTheErrnoGivenAsFailinfo) {
    Enabled on("sys/net/socket", errno_info(EMFILE));
    errno = 0;
    const sys::OwnFd fd(fresh_socket());
    EXPECT_EQ(fd.get(), -1);
    EXPECT_EQ(errno, EMFILE);
}

TEST(FaultShims, WithoutFailinfoRepeatedFailuresCycleThroughTheTable) {
    const auto &fp = sys::fault_point(Point::socket);
    const std::size_t n = fp.errnos.size();
    Enabled on("sys/net/socket", nullptr);
    std::vector<int> seen;
    for (std::size_t i = 0; i < 2 * n; ++i) {
        errno = 0;
        const sys::OwnFd fd(fresh_socket());
        ASSERT_EQ(fd.get(), -1);
        seen.push_back(errno);
    }
    std::vector<int> first(seen.begin(), seen.begin() + static_cast<std::ptrdiff_t>(n));
    std::vector<int> table(fp.errnos.begin(), fp.errnos.end());
    std::sort(first.begin(), first.end());
    std::sort(table.begin(), table.end());
    EXPECT_EQ(first, table) << "n calls in a row give each errno of the table once";
    for (std::size_t i = 0; i < n; ++i) EXPECT_EQ(seen[i + n], seen[i]) << "call " << i + n;
}

TEST(FaultShims, DisabledPointsLetTheCallThrough) {
    { Enabled on("sys/net/socket", errno_info(EMFILE)); }
    const sys::OwnFd fd(fresh_socket());
    EXPECT_GE(fd.get(), 0) << std::strerror(errno);

    SocketPair p;
    ASSERT_EQ(sys::send(p.a.get(), "hello", 5, 0), 5);
    char buf[16];
    EXPECT_EQ(sys::recv(p.b.get(), buf, sizeof buf, 0), 5);
}

TEST(FaultShims, RecvReduceTransfersAtMostFailinfoBytes) {
    SocketPair p;
    ASSERT_EQ(::send(p.a.get(), "0123456789", 10, 0), 10);
    std::string got;
    {
        Enabled on("sys/net/recv/reduce", errno_info(3));
        char buf[64];
        for (ssize_t n; got.size() < 10 && (n = sys::recv(p.b.get(), buf, sizeof buf, 0)) > 0;) {
            EXPECT_LE(n, 3);
            got.append(buf, static_cast<std::size_t>(n));
        }
    }
    EXPECT_EQ(got, "0123456789");
}

TEST(FaultShims, SendReduceTransfersAtMostFailinfoBytes) {
    SocketPair p;
    const std::string_view data = "0123456789";
    {
        Enabled on("sys/net/send/reduce", errno_info(3));
        for (std::string_view rest = data; !rest.empty();) {
            const ssize_t n = sys::send(p.a.get(), rest.data(), rest.size(), 0);
            ASSERT_GT(n, 0) << std::strerror(errno);
            EXPECT_LE(n, 3);
            rest.remove_prefix(static_cast<std::size_t>(n));
        }
    }
    char buf[64];
    EXPECT_EQ(::recv(p.b.get(), buf, sizeof buf, MSG_DONTWAIT), 10);
    EXPECT_EQ(std::string_view(buf, 10), data);
}

// One harmless call of each shim. If its point did not fire, the real call
// runs and must not leave anything behind.
struct ShimCall {
    Point point;
    std::function<int()> call;
};

int close_a_pipe() {
    int fds[2];
    if (::pipe2(fds, O_CLOEXEC) != 0) return -2;
    ::close(fds[1]);
    return sys::close(fds[0]);  // released even when the point fires
}

int fork_and_reap() {
    const pid_t pid = sys::fork();
    if (pid == 0) ::_exit(0);
    if (pid > 0) ::waitpid(pid, nullptr, 0);
    return pid > 0 ? 0 : static_cast<int>(pid);
}

int socket_and_close() {
    const sys::OwnFd fd(fresh_socket());
    return fd.get() < 0 ? -1 : 0;
}

const std::vector<ShimCall> shim_calls = {
    {Point::socket, socket_and_close},
    {Point::setsockopt,
     [] {
         const int one = 1;
         return sys::setsockopt(-1, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
     }},
    {Point::getsockopt,
     [] {
         int v = 0;
         socklen_t len = sizeof v;
         return sys::getsockopt(-1, SOL_SOCKET, SO_ERROR, &v, &len);
     }},
    {Point::bind, [] { return sys::bind(-1, nullptr, 0); }},
    {Point::listen, [] { return sys::listen(-1, 1); }},
    {Point::accept, [] { return sys::accept(-1, nullptr, nullptr, SOCK_CLOEXEC); }},
    {Point::connect, [] { return sys::connect(-1, nullptr, 0); }},
    {Point::getsockname, [] { return sys::getsockname(-1, nullptr, nullptr); }},
    {Point::getaddrinfo,
     [] {
         addrinfo *res = nullptr;
         const int rc = sys::getaddrinfo("127.0.0.1", "1", nullptr, &res);
         if (res != nullptr) freeaddrinfo(res);
         return rc == EAI_SYSTEM ? -1 : rc;  // EAI_SYSTEM is its -1: errno says why
     }},
    {Point::recv,
     [] {
         char c;
         return static_cast<int>(sys::recv(-1, &c, 1, 0));
     }},
    {Point::send, [] { return static_cast<int>(sys::send(-1, "x", 1, 0)); }},
    {Point::shutdown, [] { return sys::shutdown(-1, SHUT_WR); }},
    {Point::close, close_a_pipe},
    {Point::poll, [] { return sys::poll(nullptr, 0, 0); }},
    {Point::read,
     [] {
         char c;
         return static_cast<int>(sys::read(-1, &c, 1));
     }},
    {Point::pipe,
     [] {
         int fds[2];
         if (sys::pipe(fds, O_CLOEXEC) < 0) return -1;
         ::close(fds[0]);
         ::close(fds[1]);
         return 0;
     }},
    {Point::fork, fork_and_reap},
    {Point::waitpid, [] { return static_cast<int>(sys::waitpid(-1, nullptr, WNOHANG)); }},
    {Point::kill, [] { return sys::kill(::getpid(), 0); }},
    {Point::sigaction,
     [] {
         struct sigaction old;
         return sys::sigaction(SIGUSR1, nullptr, &old);
     }},
    {Point::sigprocmask,
     [] {
         sigset_t old;
         return sys::sigprocmask(SIG_BLOCK, nullptr, &old);
     }},
    {Point::setitimer,
     [] {
         const itimerval off{};  // disarms: nothing is left to ring
         return sys::setitimer(off);
     }},
};

TEST(FaultShims, EveryFailurePointHasAShimCallHere) {
    std::set<Point> covered;
    for (const auto &s : shim_calls) covered.insert(s.point);
    for (const auto &fp : sys::fault_points())
        if (!fp.reduce) {
            EXPECT_TRUE(covered.contains(fp.point)) << fp.name;
        }
}

TEST(FaultShims, EveryShimFailsWithTheErrnoGivenAsFailinfo) {
    // ENOTRECOVERABLE is in no table and no real call here returns it.
    for (const auto &s : shim_calls) {
        const auto name = std::string(sys::fault_point(s.point).name);
        Enabled on(name.c_str(), errno_info(ENOTRECOVERABLE));
        errno = 0;
        EXPECT_EQ(s.call(), -1) << name;
        EXPECT_EQ(errno, ENOTRECOVERABLE) << name << ": " << std::strerror(errno);
    }
}

TEST(FaultShims, EveryShimWithoutFailinfoFailsWithAnErrnoFromItsTable) {
    for (const auto &s : shim_calls) {
        const auto &fp = sys::fault_point(s.point);
        const auto name = std::string(fp.name);
        Enabled on(name.c_str(), nullptr);
        for (std::size_t i = 0; i < fp.errnos.size(); ++i) {
            errno = 0;
            EXPECT_EQ(s.call(), -1) << name;
            EXPECT_NE(std::find(fp.errnos.begin(), fp.errnos.end(), errno), fp.errnos.end())
                << name << ": " << std::strerror(errno);
        }
    }
}

#else

TEST(FaultShims, NeedShimsCompiledIn) { GTEST_SKIP() << "built with FORKCHECK_SHIMS=0"; }

#endif

}  // namespace
