// SPDX-License-Identifier: MIT
// A fault schedule: which shim calls fail, counted across the whole process
// tree (a server and all its children share one counter per point), and the
// shared state file where the preload records calls and firings.
//
// The preload (schedule_preload.cpp) reads two environment variables:
//   FORKCHECK_FAULTS       entries "NAME:NTH:INFO:COUNT" separated by ';':
//                          calls NTH .. NTH+COUNT-1 of point NAME fail (COUNT
//                          0: every call from NTH on), fiu_failinfo() = INFO
//                          (an errno, or a byte count for a reduce point);
//                          NTH 0: no call fails until the test arms the
//                          entry (FaultState::arm_next)
//   FORKCHECK_FAULT_STATE  a file of max_entries Counters, one per entry (the
//                          test's memfd, as /proc/PID/fd/N)
#pragma once

#include <atomic>
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

namespace faults {

inline constexpr std::size_t max_entries = 16;

struct Counters {
    std::atomic<std::uint64_t> calls;  // calls of the entry's point so far
    std::atomic<std::uint64_t> fired;  // of which this entry failed
    // Set by the test while the programs run: the entry's first failing call
    // in place of NTH (0: NTH, as scheduled).
    std::atomic<std::uint64_t> armed_from;
};
static_assert(std::atomic<std::uint64_t>::is_always_lock_free);

struct Fault {
    std::string point;  // "sys/net/recv"
    int nth = 1;        // first failing call, from 1; 0: armed at run time
    long info = 0;      // errno, or bytes for a reduce point
    int count = 1;      // failing calls in a row; 0: all from nth on

    std::string spec() const;      // "NAME:NTH:INFO:COUNT"
    std::string describe() const;  // "call 3 of sys/net/recv fails with ECONNRESET"
};

using Schedule = std::vector<Fault>;
std::string describe(const Schedule &s);

// The shared counters of one run (a memfd), closed by the destructor.
class FaultState {
public:
    FaultState();
    FaultState(const FaultState &) = delete;
    FaultState &operator=(const FaultState &) = delete;
    ~FaultState();

    const std::string &path() const { return path_; }
    std::uint64_t calls(std::size_t entry) const;
    std::uint64_t fired(std::size_t entry) const;
    // From now on the entry fails the next call of its point (then COUNT
    // calls in a row, as scheduled), whatever its NTH: for a call that a
    // test can name only by what happened before it, not by its number
    // (calls are counted across a process tree whose order depends on
    // timing). Call it while no call of the point can be under way, e.g.
    // while every process that makes them is blocked in one.
    void arm_next(std::size_t entry);

private:
    int fd_ = -1;
    std::string path_;  // /proc/PID/fd/N of a memfd
    Counters *counters_ = nullptr;
};

// The preload library: libforkcheck_fault_preload.so in lib/forkcheck beside
// the program's bin/ (installed), or in the build tree's lib/forkcheck (the
// program at the build tree's top or one folder down). Empty if not found.
std::string preload_path();

// argv run with the schedule applied through the preload (ASan-aware). With
// posix, libfiu's own preloads come too (what `fiu-run -x` loads, without
// control FIFOs), so the schedule reaches the posix/* points of any binary,
// one that never calls libfiu included.
std::vector<std::string> under_schedule(std::vector<std::string> argv, const Schedule &s,
                                        const FaultState &state, bool posix = false);

// "ECONNRESET" for an errno; "-" for 0.
std::string errno_name(int e);

}  // namespace faults
