// SPDX-License-Identifier: MIT
// A child's stderr: its "Message received" lines and its error lines.
//
// One write() per message costs about a tenth of a lockstep round trip, so
// from a connection's second batch of messages on (hold_from_now) the lines
// are held in a block of at most PIPE_BUF bytes, which one write keeps whole
// in a pipe. flush() is the one place that writes them: when the block is
// full, before an error line (the order stays), when they are due (tick),
// and when the object ends. SIGTERM's handler, end_by_signal(), writes them
// too; only another fatal signal loses them.
//
// Held lines are due `hold` after the batch that first held some: a flush
// for another reason (a full block) keeps that time, so that the timer set
// for it still serves. The caller's timer (Alarm) rings by due() and may ring
// up to `hold` late, so a line waits at most 2 * hold (--log-flush).
//
// One per process: the block is static data, for the signal handler, and is
// written only while holding (each page a child writes costs it a
// copy-on-write fault).
#pragma once

#include <chrono>
#include <initializer_list>
#include <string_view>

#include "net/deadline.hpp"

namespace server {

class ChildLog {
public:
    using clock = net::Deadline::clock;

    // endpoint: the client's IP:PORT, for error lines. hold: zero holds nothing.
    ChildLog(std::string_view endpoint, std::chrono::microseconds hold)
        : endpoint_(endpoint), hold_(hold) {}
    ~ChildLog() { flush(); }
    ChildLog(const ChildLog &) = delete;
    ChildLog &operator=(const ChildLog &) = delete;

    // A message line, given in pieces: held, or written at once.
    void message(std::initializer_list<std::string_view> pieces);
    // "PROG: " + what (log::error), after the held lines.
    void error(std::string_view what);
    // "PROG: CALL failed: ENAME (text) (client IP:PORT)" with the current errno.
    void failed(std::string_view call);

    // After a batch that completed a message: lines are held from now on.
    void hold_from_now() { holding_ = hold_.count() > 0; }
    // At now: held lines past due are written; newly held ones get their due time.
    void tick(clock::time_point now);
    // When the held lines must be written: time_point::max() if none are held.
    clock::time_point due() const;

    void flush();

    // SIGTERM's handler in a child: writes what is held, then ends the process
    // by the signal's default action, as if there were no handler (flush()
    // blocks SIGTERM while it writes). Async-signal-safe.
    static void end_by_signal(int sig);

private:
    std::string_view endpoint_;
    std::chrono::microseconds hold_;
    bool holding_ = false;
    clock::time_point due_ = clock::time_point::max();
};

}  // namespace server
