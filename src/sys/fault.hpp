// SPDX-License-Identifier: MIT
// Failure points of the syscall shims: a table of names and the errnos a real
// kernel returns there. The fault suite iterates over this table.
#pragma once

#include <cstddef>
#include <span>
#include <string_view>

namespace sys {

enum class Point {
    socket,
    setsockopt,
    getsockopt,
    bind,
    listen,
    accept,
    connect,
    getsockname,
    getaddrinfo,
    recv,
    send,
    shutdown,
    close,
    poll,
    read,
    pipe,
    fork,
    waitpid,
    kill,
    sigaction,
    sigprocmask,
    setitimer,
    recv_reduce,
    send_reduce,
    count_
};

struct FaultPoint {
    Point point;
    std::string_view name;        // libfiu point, e.g. "sys/net/accept"
    std::span<const int> errnos;  // what the kernel really returns there
    bool reduce;                  // a short-transfer point, not a failure
};

// Every point, in enum order.
std::span<const FaultPoint> fault_points();
const FaultPoint &fault_point(Point p);
// Lookup by libfiu name; nullptr if there is no such point.
const FaultPoint *find_fault_point(std::string_view name);

// Calls fiu_init, when libfiu is in the process, so that fiu-run and
// fiu-ctrl reach the program.
void fault_init();

// libfiu's fiu_fail, or nullptr when libfiu is not loaded. The programs do not
// link libfiu: it is looked up at run time, and only code that links it (a
// preload such as fiu-run's, whose FIFOs fiu-ctrl writes to, or a test) can
// switch a point on, so without it every point is off for the whole run. That
// is the idle cost of the shims: libfiu 1.1's fiu_fail() takes two locks and
// strdup()s and frees the point's name on every call, about ten
// copy-on-write faults per connection after fork, and its mappings are
// copied at every fork.
using FailFn = int (*)(const char *);
#if FORKCHECK_SHIMS
extern const FailFn fiu_fail_at_start;
inline FailFn fiu_fail_fn() { return fiu_fail_at_start; }
#else
inline FailFn fiu_fail_fn() { return nullptr; }
#endif

// Slow path: sets errno from the point's failinfo, else from its table.
void fault_set_errno(const FaultPoint &fp);

// True when the point fires; errno is then set. Costs one fiu_fail() call when
// shims are compiled in and libfiu is loaded, a test when it is not, and
// nothing when the shims are compiled out.
inline bool fails(Point p) {
#if FORKCHECK_SHIMS
    const FailFn fail = fiu_fail_fn();
    if (fail == nullptr) return false;
    const FaultPoint &fp = fault_point(p);
    if (fail(fp.name.data())) [[unlikely]] {
        fault_set_errno(fp);
        return true;
    }
#else
    (void)p;
#endif
    return false;
}

// For short I/O: the length to transfer when the reduce point fires (failinfo
// as a byte count, else half, at least 1), len otherwise. Inline, as fails():
// without libfiu it is one test on the per-message path.
std::size_t reduced_by_fiu(Point p, std::size_t len);
inline std::size_t reduced(Point p, std::size_t len) {
    return fiu_fail_fn() == nullptr ? len : reduced_by_fiu(p, len);
}

}  // namespace sys
