// The parent's signals. SIGCHLD, SIGTERM and SIGINT stay blocked except while
// the parent waits in ppoll() with wait_mask, so their handlers only set the
// flags below and no wakeup is lost. SIGPIPE is ignored.
#pragma once

#include <signal.h>

namespace server::signals {

extern volatile sig_atomic_t child_exited;  // a SIGCHLD arrived
extern volatile sig_atomic_t stop_signal;   // SIGTERM or SIGINT number, or 0
extern volatile sig_atomic_t stop_count;    // how many stop signals arrived

struct Masks {
    sigset_t original;  // the mask before install()
    sigset_t wait;      // original without the three signals: for ppoll()
};

// -1 with errno if a sigaction or sigprocmask failed.
int install(Masks &masks);
// In a new child: default dispositions (SIGPIPE stays ignored) and the
// original mask back.
int reset_in_child(const Masks &masks);

}  // namespace server::signals
