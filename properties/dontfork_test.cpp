// SPDX-License-Identifier: MIT
// sys::DontForkAllocator: the parent's child table lives in memory that a
// forked child does not get, so the parent's writes cost no copy-on-write.
#include <gtest/gtest.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstdint>
#include <vector>

#include "sys/dontfork.hpp"

namespace {

// mincore() fails with ENOMEM on an address that is not mapped.
bool mapped(const void *p) {
    const auto page = static_cast<std::uintptr_t>(::sysconf(_SC_PAGESIZE));
    unsigned char in_core = 0;
    void *start = reinterpret_cast<void *>(reinterpret_cast<std::uintptr_t>(p) / page * page);
    return ::mincore(start, 1, &in_core) == 0 || errno != ENOMEM;
}

TEST(DontFork, HoldsWhatIsStoredAcrossGrowth) {
    std::vector<int, sys::DontForkAllocator<int>> v;
    for (int i = 0; i < 5000; ++i) v.push_back(i * 3);  // several pages, several regrowths
    ASSERT_EQ(v.size(), 5000u);
    for (int i = 0; i < 5000; ++i) ASSERT_EQ(v[static_cast<std::size_t>(i)], i * 3);
}

TEST(DontFork, AForkedChildDoesNotHaveTheMemory) {
    std::vector<int, sys::DontForkAllocator<int>> v;
    v.reserve(100);
    v.push_back(7);
    const int on_heap = 7;
    const std::vector<int> heap(1, on_heap);
    ASSERT_TRUE(mapped(v.data()));
    const pid_t pid = ::fork();
    ASSERT_GE(pid, 0);
    if (pid == 0) {
        // Exit 0: the table is gone here, while the ordinary heap is not.
        ::_exit(!mapped(v.data()) && mapped(heap.data()) ? 0 : 1);
    }
    int status = 0;
    ASSERT_EQ(::waitpid(pid, &status, 0), pid);
    ASSERT_TRUE(WIFEXITED(status));
    EXPECT_EQ(WEXITSTATUS(status), 0);
    EXPECT_TRUE(mapped(v.data()));
    EXPECT_EQ(v[0], 7);
}

}  // namespace
