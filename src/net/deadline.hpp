// A point in monotonic time that waits are bounded by.
#pragma once

#include <chrono>
#include <climits>

namespace net {

class Deadline {
public:
    using clock = std::chrono::steady_clock;

    static Deadline never() { return Deadline(clock::time_point::max()); }
    static Deadline in(std::chrono::milliseconds d) { return Deadline(clock::now() + d); }

    bool expired() const { return clock::now() >= at_; }
    // The time left, rounded up to the microsecond; zero once expired.
    std::chrono::microseconds left() const {
        const auto d = std::chrono::ceil<std::chrono::microseconds>(at_ - clock::now());
        return d.count() > 0 ? d : std::chrono::microseconds::zero();
    }
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
