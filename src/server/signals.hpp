// SPDX-License-Identifier: MIT
// The parent's signals. SIGCHLD, SIGTERM, SIGINT and SIGHUP stay blocked
// except while the parent waits in ppoll() with the wait mask, and their handlers only set
// the flags below: on the parent's thread that interrupts the ppoll(); on
// another thread (a preloaded library's, as fiu-run's) they also write a byte
// to a pipe the parent polls. So no wakeup is lost. SIGPIPE is ignored.
// SIGALRM gets the children's Alarm handler, which they inherit.
#pragma once

#include <signal.h>

#include <optional>

#include "sys/errno_text.hpp"

namespace server::signals {

extern volatile sig_atomic_t child_exited;  // a SIGCHLD arrived
extern volatile sig_atomic_t stop_signal;   // SIGTERM, SIGINT or SIGHUP, or 0
extern volatile sig_atomic_t stop_count;    // how many stop signals arrived

struct Setup {
    sigset_t original;  // the mask before install()
    sigset_t wait;      // original without the four signals: for ppoll()
    int wake_fd = -1;   // readable after any of the four signals
};

// Nothing, or the call that failed ("pipe", "sigprocmask", "sigaction
// SIGTERM", ...) with its errno.
std::optional<sys::CallError> install(Setup &setup);
// Empties the wake pipe; call before looking at the flags.
void drain(const Setup &setup);
// In a new child: default dispositions but SIGTERM's, which writes the held
// log lines first (ChildLog::end_by_signal), the original mask. SIGPIPE stays
// ignored, and SIGINT and SIGHUP are ignored: Ctrl-C or a hang-up in a
// terminal signals the whole group, and the parent gives children their
// grace period. The wake pipe is
// left open until the child's exit (two close() calls fewer per
// connection): no handler can run in the child to write to it, since the four
// signals stay blocked until their dispositions are reset, and the parent
// never waits for the pipe's end of file.
int reset_in_child(const Setup &setup);

}  // namespace server::signals
