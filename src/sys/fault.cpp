// SPDX-License-Identifier: MIT
#include "sys/fault.hpp"

#include <cerrno>
#include <cstdint>

#if FORKCHECK_SHIMS
#include <dlfcn.h>
#endif

namespace sys {
namespace {

// errnos from the Linux man pages of each call, restricted to those a correct
// caller can still see (no EBADF, EFAULT or ENOTSOCK).
constexpr int socket_e[] = {EACCES, EAFNOSUPPORT, EMFILE, ENFILE, ENOBUFS, ENOMEM};
constexpr int setsockopt_e[] = {EINVAL, ENOPROTOOPT, ENOMEM, ENOBUFS};
constexpr int getsockopt_e[] = {ENOBUFS, ENOMEM};
constexpr int bind_e[] = {EACCES, EADDRINUSE, EADDRNOTAVAIL, ENOMEM};
constexpr int listen_e[] = {EADDRINUSE};
constexpr int accept_e[] = {EINTR, ECONNABORTED, EPROTO, EMFILE, ENFILE, ENOBUFS, ENOMEM, EPERM};
constexpr int connect_e[] = {ECONNREFUSED, ETIMEDOUT,     ENETUNREACH,
                             EHOSTUNREACH, EADDRNOTAVAIL, EINTR};
constexpr int getsockname_e[] = {ENOBUFS};
// getaddrinfo's EAI_SYSTEM: out of fds for the socket or files it opens.
constexpr int getaddrinfo_e[] = {EMFILE, ENFILE};
constexpr int recv_e[] = {EINTR, ECONNRESET, ETIMEDOUT, ENOMEM};
constexpr int send_e[] = {EINTR, EPIPE, ECONNRESET, EAGAIN, ENOBUFS};
constexpr int shutdown_e[] = {ENOTCONN};
constexpr int close_e[] = {EINTR, EIO};
constexpr int poll_e[] = {EINTR, ENOMEM};
constexpr int read_e[] = {EINTR, EIO};
constexpr int pipe_e[] = {EMFILE, ENFILE};
constexpr int fork_e[] = {EAGAIN, ENOMEM};
constexpr int waitpid_e[] = {EINTR, ECHILD};
constexpr int kill_e[] = {EPERM, ESRCH};
constexpr int sigaction_e[] = {EINVAL};
constexpr int sigprocmask_e[] = {EINVAL};
constexpr int setitimer_e[] = {EINVAL};

constexpr FaultPoint table[] = {
    {Point::socket, "sys/net/socket", socket_e, false},
    {Point::setsockopt, "sys/net/setsockopt", setsockopt_e, false},
    {Point::getsockopt, "sys/net/getsockopt", getsockopt_e, false},
    {Point::bind, "sys/net/bind", bind_e, false},
    {Point::listen, "sys/net/listen", listen_e, false},
    {Point::accept, "sys/net/accept", accept_e, false},
    {Point::connect, "sys/net/connect", connect_e, false},
    {Point::getsockname, "sys/net/getsockname", getsockname_e, false},
    {Point::getaddrinfo, "sys/net/getaddrinfo", getaddrinfo_e, false},
    {Point::recv, "sys/net/recv", recv_e, false},
    {Point::send, "sys/net/send", send_e, false},
    {Point::shutdown, "sys/net/shutdown", shutdown_e, false},
    {Point::close, "sys/io/close", close_e, false},
    {Point::poll, "sys/io/poll", poll_e, false},
    {Point::read, "sys/io/read", read_e, false},
    {Point::pipe, "sys/io/pipe", pipe_e, false},
    {Point::fork, "sys/proc/fork", fork_e, false},
    {Point::waitpid, "sys/proc/waitpid", waitpid_e, false},
    {Point::kill, "sys/proc/kill", kill_e, false},
    {Point::sigaction, "sys/proc/sigaction", sigaction_e, false},
    {Point::sigprocmask, "sys/proc/sigprocmask", sigprocmask_e, false},
    {Point::setitimer, "sys/proc/setitimer", setitimer_e, false},
    {Point::recv_reduce, "sys/net/recv/reduce", {}, true},
    {Point::send_reduce, "sys/net/send/reduce", {}, true},
};

static_assert(std::size(table) == static_cast<std::size_t>(Point::count_));

constexpr bool in_enum_order() {
    for (std::size_t i = 0; i < std::size(table); ++i)
        if (static_cast<std::size_t>(table[i].point) != i) return false;
    return true;
}
static_assert(in_enum_order(), "fault table must follow enum Point");

}  // namespace

std::span<const FaultPoint> fault_points() { return table; }

const FaultPoint &fault_point(Point p) { return table[static_cast<std::size_t>(p)]; }

const FaultPoint *find_fault_point(std::string_view name) {
    for (const auto &fp : table)
        if (fp.name == name) return &fp;
    return nullptr;
}

#if FORKCHECK_SHIMS
namespace {

// A libfiu function by name, from the process's global scope (so that a
// preload's wrapper, as the fault suite's fiu_init, comes first); nullptr if
// libfiu is not loaded.
template <class Fn>
Fn libfiu(const char *name) noexcept {
    return reinterpret_cast<Fn>(dlsym(RTLD_DEFAULT, name));
}

}  // namespace
#endif

void fault_init() {
#if FORKCHECK_SHIMS
    if (const auto init = libfiu<int (*)(unsigned)>("fiu_init")) init(0);
#endif
}

#if FORKCHECK_SHIMS
// Looked up once, before main and so in the parent before any fork: the
// libraries loaded at start are all there is (nothing here calls dlopen).
// A plain variable, not a function's static: the shims read it at every
// recv and send, and a static's guard costs a test each time.
const FailFn fiu_fail_at_start = libfiu<FailFn>("fiu_fail");
#endif

void fault_set_errno(const FaultPoint &fp) {
#if FORKCHECK_SHIMS
    static const auto failinfo = libfiu<void *(*)()>("fiu_failinfo");
    if (auto info = reinterpret_cast<std::intptr_t>(failinfo ? failinfo() : nullptr); info != 0) {
        errno = static_cast<int>(info);
        return;
    }
#endif
    // No errno given: cycle through the table so that repeated faults cover
    // every errno deterministically (libfiu would pick one at random).
    static std::size_t next[static_cast<std::size_t>(Point::count_)];
    std::size_t &i = next[static_cast<std::size_t>(fp.point)];
    errno = fp.errnos.empty() ? EIO : fp.errnos[i++ % fp.errnos.size()];
}

std::size_t reduced_by_fiu(Point p, std::size_t len) {
#if FORKCHECK_SHIMS
    const FailFn fail = fiu_fail_fn();
    if (fail != nullptr && len > 1 && fail(fault_point(p).name.data())) [[unlikely]] {
        static const auto failinfo = libfiu<void *(*)()>("fiu_failinfo");
        auto want = static_cast<std::size_t>(reinterpret_cast<std::intptr_t>(failinfo()));
        if (want == 0) want = len / 2;
        return want < len ? want : len;
    }
#else
    (void)p;
#endif
    return len;
}

}  // namespace sys
