// SPDX-License-Identifier: MIT
// An allocator of memory that fork() does not copy (MADV_DONTFORK): for the
// parent's own tables. A page the parent writes while a child shares it
// costs a copy-on-write fault; a page no child has costs none.
// A child must never touch what it holds: the mapping is absent there.
#pragma once

#include <sys/mman.h>

#include <cstddef>
#include <cstdint>
#include <new>

namespace sys {

template <class T>
struct DontForkAllocator {
    using value_type = T;

    DontForkAllocator() = default;
    template <class U>
    explicit DontForkAllocator(const DontForkAllocator<U> & /*other*/) {}

    T *allocate(std::size_t n) {
        const std::size_t len = bytes(n);
        void *p = ::mmap(nullptr, len, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
        if (p == MAP_FAILED) throw std::bad_alloc();
        // On failure the memory is merely shared with children, as the
        // heap is: slower, not wrong.
        (void)::madvise(p, len, MADV_DONTFORK);
        return static_cast<T *>(p);
    }
    void deallocate(T *p, std::size_t n) { (void)::munmap(p, bytes(n)); }

    template <class U>
    bool operator==(const DontForkAllocator<U> & /*other*/) const {
        return true;
    }

private:
    // mmap() and munmap() round it up to whole pages.
    static std::size_t bytes(std::size_t n) {
        if (n > SIZE_MAX / sizeof(T)) throw std::bad_alloc();
        return n * sizeof(T);
    }
};

}  // namespace sys
