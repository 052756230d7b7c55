// SPDX-License-Identifier: MIT
// A child's idle and log-flush timer: SIGALRM, whose handler (installed by
// signals::install without SA_RESTART, and inherited) interrupts the child's
// blocking recv() with EINTR. It replaces SO_RCVTIMEO, whose kernel timer is
// armed and cancelled at every blocking recv(): about 2 % of a lockstep
// round trip. This one is set once per connection, then only when
// it must ring earlier than it would, or after it rang.
#pragma once

#include <signal.h>

#include <chrono>

#include "net/deadline.hpp"

namespace server {

class Alarm {
public:
    using clock = net::Deadline::clock;

    // After ringing, the alarm rings again every `again` until it is set
    // anew: a ring that comes after the child last looked at the flag and
    // before its recv() blocks is not lost, only late by at most that.
    explicit Alarm(std::chrono::microseconds again) : again_(again) {}

    // Rings at `at` (at once if it is past). -1 with errno on failure.
    int set(clock::time_point at, clock::time_point now);
    // Sets it to `at` only if it would ring later, or has rung since set.
    int no_later_than(clock::time_point at, clock::time_point now) {
        return rang != 0 || at < at_ ? set(at, now) : 0;
    }

    // SIGALRM's handler: async-signal-safe.
    static void on_ring(int sig);

private:
    static volatile sig_atomic_t rang;
    clock::time_point at_ = clock::time_point::max();
    std::chrono::microseconds again_;
};

}  // namespace server
