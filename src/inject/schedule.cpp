// SPDX-License-Identifier: MIT
#include "inject/schedule.hpp"

#include <fcntl.h>
#include <sys/mman.h>
#include <unistd.h>

#include <cstring>
#include <stdexcept>

namespace faults {
namespace {

constexpr const char *preload_name = "libforkcheck_fault_preload.so";

}  // namespace

std::string errno_name(int e) {
    if (e == 0) return "-";
    const char *n = strerrorname_np(e);
    return n != nullptr ? n : std::to_string(e);
}

std::string Fault::spec() const {
    return point + ":" + std::to_string(nth) + ":" + std::to_string(info) + ":" +
           std::to_string(count);
}

std::string Fault::describe() const {
    const bool reduce = point.ends_with("/reduce");
    std::string calls =
        nth == 0     ? (count == 1   ? "the call armed at run time"
                        : count == 0 ? "every call from the one armed at run time"
                                     : std::to_string(count) + " calls from the one armed at run time")
        : count == 1 ? "call " + std::to_string(nth)
        : count == 0 ? "every call from " + std::to_string(nth)
                     : "calls " + std::to_string(nth) + ".." + std::to_string(nth + count - 1);
    return calls + " of " + point +
           (reduce ? " transfers at most " + std::to_string(info) + " bytes"
                   : " fails with " + errno_name(static_cast<int>(info)));
}

std::string describe(const Schedule &s) {
    std::string out;
    for (const auto &f : s) out += (out.empty() ? "" : "; ") + f.describe();
    return out.empty() ? "no fault" : out;
}

FaultState::FaultState() {
    // A memfd named by its /proc path: nothing is left in /tmp even when the
    // test is killed.
    fd_ = memfd_create("forkcheck-faults", MFD_CLOEXEC);
    if (fd_ < 0) throw std::runtime_error("memfd_create: " + std::string(std::strerror(errno)));
    path_ = "/proc/" + std::to_string(getpid()) + "/fd/" + std::to_string(fd_);
    const std::size_t size = sizeof(Counters) * max_entries;
    void *p = MAP_FAILED;
    if (ftruncate(fd_, static_cast<off_t>(size)) == 0)
        p = mmap(nullptr, size, PROT_READ | PROT_WRITE, MAP_SHARED, fd_, 0);
    if (p == MAP_FAILED) {
        close(fd_);
        throw std::runtime_error("mapping the fault state");
    }
    counters_ = static_cast<Counters *>(p);  // zero-filled by ftruncate
}

FaultState::~FaultState() {
    munmap(counters_, sizeof(Counters) * max_entries);
    close(fd_);
}

std::uint64_t FaultState::calls(std::size_t i) const { return counters_[i].calls.load(); }
std::uint64_t FaultState::fired(std::size_t i) const { return counters_[i].fired.load(); }
void FaultState::arm_next(std::size_t i) {
    counters_[i].armed_from.store(counters_[i].calls.load() + 1);
}

std::string preload_path() {
    char self[4096];
    const ssize_t n = readlink("/proc/self/exe", self, sizeof self - 1);
    if (n <= 0) return {};
    std::string dir(self, static_cast<std::size_t>(n));
    dir.erase(dir.rfind('/'));
    for (const char *rel : {"/../lib/forkcheck/", "/lib/forkcheck/"}) {
        const std::string path = dir + rel + preload_name;
        if (access(path.c_str(), R_OK) == 0) return path;
    }
    return {};
}

std::vector<std::string> under_schedule(std::vector<std::string> argv, const Schedule &s,
                                        const FaultState &state, bool posix) {
    if (s.size() > max_entries) throw std::invalid_argument("too many faults in a schedule");
    std::string specs;
    for (const auto &f : s) specs += (specs.empty() ? "" : ";") + f.spec();
    // Ours first: fiu_run_preload's call of fiu_init must reach its wrapper.
    std::string preload = preload_path();
    if (preload.empty())
        throw std::runtime_error("the fault preload (lib/forkcheck/" + std::string(preload_name) +
                                 ") is not installed beside this program");
    if (posix) preload += " /usr/lib/fiu/fiu_run_preload.so /usr/lib/fiu/fiu_posix_preload.so";
#ifdef FORKCHECK_ASAN_RUNTIME
    preload = std::string(FORKCHECK_ASAN_RUNTIME) + " " + preload;
#endif
    std::vector<std::string> run{"/usr/bin/env", "FORKCHECK_FAULTS=" + specs,
                                 "FORKCHECK_FAULT_STATE=" + state.path(),
                                 "FIU_CTRL_FIFO=", "LD_PRELOAD=" + preload};
    run.insert(run.end(), argv.begin(), argv.end());
    return run;
}

}  // namespace faults
