// SPDX-License-Identifier: MIT
// Synchronisation for tests: poll a condition until it holds or time is up.
#pragma once

#include <chrono>
#include <thread>

namespace probe {

// True as soon as pred() is; false if it still is not after limit.
template <class Pred>
bool poll_until(Pred pred, std::chrono::milliseconds limit = std::chrono::seconds(10)) {
    const auto deadline = std::chrono::steady_clock::now() + limit;
    for (;;) {
        if (pred()) return true;
        if (std::chrono::steady_clock::now() >= deadline) return false;
        std::this_thread::sleep_for(std::chrono::milliseconds(5));
    }
}

}  // namespace probe
