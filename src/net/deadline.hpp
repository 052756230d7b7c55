// SPDX-License-Identifier: MIT
// A point in monotonic time that waits are bounded by.
#pragma once

#include <chrono>
#include <climits>

namespace net {

class Deadline {
public:
    using clock = std::chrono::steady_clock;

    static Deadline never() { return Deadline(clock::time_point::max()); }
    static Deadline in(std::chrono::milliseconds d) { return in(d, clock::now()); }
    // The same from a now already read: a loop that asks several deadlines
    // per turn reads the clock once (a clock read per message is measurable).
    static Deadline in(std::chrono::milliseconds d, clock::time_point now) {
        return Deadline(now + d);
    }

    clock::time_point at() const { return at_; }
    bool expired() const { return expired(clock::now()); }
    bool expired(clock::time_point now) const { return now >= at_; }
    // For poll(): -1 for never, else the milliseconds left rounded up.
    int poll_timeout() const {
        if (at_ == clock::time_point::max()) return -1;
        auto left = std::chrono::ceil<std::chrono::milliseconds>(at_ - clock::now()).count();
        if (left <= 0) return 0;
        return left > INT_MAX ? INT_MAX : static_cast<int>(left);
    }

private:
    explicit Deadline(clock::time_point at) : at_(at) {}
    clock::time_point at_;
};

}  // namespace net
