// SPDX-License-Identifier: MIT
#include "server/alarm.hpp"

#include <sys/time.h>

#include <algorithm>

#include "sys/proc.hpp"

namespace server {
namespace {

timeval to_timeval(std::chrono::microseconds t) {
    const auto s = std::chrono::duration_cast<std::chrono::seconds>(t);
    return {static_cast<time_t>(s.count()), static_cast<suseconds_t>((t - s).count())};
}

}  // namespace

volatile sig_atomic_t Alarm::rang = 0;

void Alarm::on_ring(int /*sig*/) { rang = 1; }

int Alarm::set(clock::time_point at, clock::time_point now) {
    // A zero value would disarm it: a time already past rings in 1 us.
    const auto in = std::max(std::chrono::ceil<std::chrono::microseconds>(at - now),
                             std::chrono::microseconds(1));
    const itimerval t{to_timeval(again_), to_timeval(in)};
    // Written only when set: a child that writes no static data page takes
    // no copy-on-write fault for it.
    if (rang != 0) rang = 0;
    if (sys::setitimer(t) < 0) return -1;
    at_ = at;
    return 0;
}

}  // namespace server
