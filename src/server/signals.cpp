// SPDX-License-Identifier: MIT
#include "server/signals.hpp"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>

#include "server/alarm.hpp"
#include "server/child_log.hpp"
#include "sys/io.hpp"
#include "sys/proc.hpp"

namespace server::signals {

volatile sig_atomic_t child_exited = 0;
volatile sig_atomic_t stop_signal = 0;
volatile sig_atomic_t stop_count = 0;

namespace {

volatile int wake_write_fd = -1;
// True on the thread that called install(), whose ppoll() is the only place
// where it takes the handled signals: a handler there has interrupted it.
thread_local bool main_thread = false;

// Async-signal-safe: a raw write (not the shim, whose libfiu call is not),
// errno kept. A full pipe already means "wake up". On the main thread the
// interrupted ppoll() is the wake-up: no byte, and no read to empty the pipe
// (two syscalls per connection fewer).
void wake() {
    if (main_thread) return;
    const int saved = errno;
    const char byte = 0;
    if (wake_write_fd >= 0) (void)!::write(wake_write_fd, &byte, 1);
    errno = saved;
}

void on_child(int /*sig*/) {
    child_exited = 1;
    wake();
}

void on_stop(int sig) {
    stop_signal = sig;
    stop_count = stop_count + 1;
    wake();
}

int set(int sig, void (*handler)(int)) {
    struct sigaction sa {};
    sa.sa_handler = handler;
    sigemptyset(&sa.sa_mask);
    // SIGALRM, a child's idle timer, must interrupt its blocking recv().
    sa.sa_flags = sig == SIGCHLD ? SA_NOCLDSTOP | SA_RESTART : sig == SIGALRM ? 0 : SA_RESTART;
    return sys::sigaction(sig, &sa, nullptr);
}

constexpr int handled[] = {SIGCHLD, SIGTERM, SIGINT, SIGHUP};

}  // namespace

std::optional<sys::CallError> install(Setup &setup) {
    const auto failed = [](const char *call) { return sys::CallError{call, errno}; };
    int fds[2];
    if (sys::pipe(fds, O_CLOEXEC | O_NONBLOCK) < 0) return failed("pipe");
    setup.wake_fd = fds[0];
    wake_write_fd = fds[1];
    main_thread = true;
    sigset_t block;
    sigemptyset(&block);
    for (int s : handled) sigaddset(&block, s);
    if (sys::sigprocmask(SIG_BLOCK, &block, &setup.original) < 0) return failed("sigprocmask");
    setup.wait = setup.original;
    for (int s : handled) sigdelset(&setup.wait, s);
    if (set(SIGCHLD, on_child) < 0) return failed("sigaction SIGCHLD");
    if (set(SIGTERM, on_stop) < 0) return failed("sigaction SIGTERM");
    if (set(SIGINT, on_stop) < 0) return failed("sigaction SIGINT");
    if (set(SIGHUP, on_stop) < 0) return failed("sigaction SIGHUP");
    if (set(SIGPIPE, SIG_IGN) < 0) return failed("sigaction SIGPIPE");
    // For the children, which inherit it: no sigaction per connection.
    if (set(SIGALRM, Alarm::on_ring) < 0) return failed("sigaction SIGALRM");
    return std::nullopt;
}

void drain(const Setup &setup) {
    char buf[64];
    // A short read has emptied the pipe: no second read to learn EAGAIN.
    while (sys::read(setup.wake_fd, buf, sizeof buf) == sizeof buf) {
    }
}

int reset_in_child(const Setup &setup) {
    if (set(SIGCHLD, SIG_DFL) < 0 || set(SIGTERM, ChildLog::end_by_signal) < 0 ||
        set(SIGINT, SIG_IGN) < 0 || set(SIGHUP, SIG_IGN) < 0)
        return -1;
    return sys::sigprocmask(SIG_SETMASK, &setup.original, nullptr);
}

}  // namespace server::signals
