// SPDX-License-Identifier: MIT
// LD_PRELOAD library: applies a fault schedule (see schedule.hpp) to the
// program's libfiu points with fiu_enable_external and one counter per point
// in a shared file, so "the Nth call" counts across fork(): FIU_ONETIME
// would fire once in every child. No allocation, no printing.
// It wraps fiu_init(), which both programs call first thing in main, and
// which libfiu's fiu_run_preload calls for any other program: libfiu crashed
// when enabled from a library constructor here.
#include <dlfcn.h>
#include <fcntl.h>
#include <sys/mman.h>
#include <unistd.h>

#include <cstdint>
#include <cstdlib>
#include <cstring>

#include <fiu-control.h>
#include <fiu.h>

#include "inject/schedule.hpp"

namespace {

struct Entry {
    char name[64];
    std::uint64_t nth, count;
    long info;
};

Entry entries[faults::max_entries];
std::size_t n_entries = 0;
faults::Counters *counters = nullptr;

int decide(const char *name, int *, void **failinfo, unsigned int *) {
    int fire = 0;
    for (std::size_t i = 0; i < n_entries; ++i) {
        if (std::strcmp(entries[i].name, name) != 0) continue;
        const std::uint64_t call = counters[i].calls.fetch_add(1) + 1;
        const Entry &e = entries[i];
        const std::uint64_t armed = counters[i].armed_from.load();
        const std::uint64_t nth = armed != 0 ? armed : e.nth;  // 0: not armed yet
        if (!fire && nth != 0 && call >= nth && (e.count == 0 || call < nth + e.count)) {
            counters[i].fired.fetch_add(1);
            *failinfo = reinterpret_cast<void *>(static_cast<std::intptr_t>(e.info));
            fire = 1;
        }
    }
    return fire;
}

bool parse(const char *s) {
    while (*s != '\0' && n_entries < faults::max_entries) {
        Entry &e = entries[n_entries];
        const char *colon = std::strchr(s, ':');
        if (colon == nullptr || static_cast<std::size_t>(colon - s) >= sizeof e.name) return false;
        std::memcpy(e.name, s, static_cast<std::size_t>(colon - s));
        e.name[colon - s] = '\0';
        char *end = nullptr;
        e.nth = std::strtoull(colon + 1, &end, 10);
        if (*end != ':') return false;
        e.info = std::strtol(end + 1, &end, 10);
        if (*end != ':') return false;
        e.count = std::strtoull(end + 1, &end, 10);
        if (*end != ';' && *end != '\0') return false;
        ++n_entries;
        s = *end == ';' ? end + 1 : end;
    }
    return true;
}

void apply_schedule() {
    const char *spec = std::getenv("FORKCHECK_FAULTS");
    const char *state = std::getenv("FORKCHECK_FAULT_STATE");
    if (spec == nullptr || state == nullptr) return;
    const int fd = open(state, O_RDWR | O_CLOEXEC);
    if (fd < 0) _exit(125);
    void *p = mmap(nullptr, sizeof(faults::Counters) * faults::max_entries, PROT_READ | PROT_WRITE,
                   MAP_SHARED, fd, 0);
    close(fd);
    if (p == MAP_FAILED || !parse(spec)) _exit(125);
    counters = static_cast<faults::Counters *>(p);
    for (std::size_t i = 0; i < n_entries; ++i)
        if (fiu_enable_external(entries[i].name, 1, nullptr, 0, decide) != 0) _exit(125);
}

}  // namespace

extern "C" int fiu_init(unsigned int flags) {
    using init_fn = int (*)(unsigned int);
    static bool applied = false;
    const auto real = reinterpret_cast<init_fn>(dlsym(RTLD_NEXT, "fiu_init"));
    if (real == nullptr) _exit(125);
    const int rc = real(flags);
    if (rc == 0 && !applied) {
        applied = true;
        apply_schedule();
    }
    return rc;
}
