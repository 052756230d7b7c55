#include "server/signals.hpp"

#include "sys/proc.hpp"

namespace server::signals {

volatile sig_atomic_t child_exited = 0;
volatile sig_atomic_t stop_signal = 0;
volatile sig_atomic_t stop_count = 0;

namespace {

void on_child(int) { child_exited = 1; }
void on_stop(int sig) {
    stop_signal = sig;
    stop_count = stop_count + 1;
}

int set(int sig, void (*handler)(int)) {
    struct sigaction sa {};
    sa.sa_handler = handler;
    sigemptyset(&sa.sa_mask);
    sa.sa_flags = sig == SIGCHLD ? SA_NOCLDSTOP | SA_RESTART : SA_RESTART;
    return sys::sigaction(sig, &sa, nullptr);
}

constexpr int handled[] = {SIGCHLD, SIGTERM, SIGINT};

}  // namespace

int install(Masks &masks) {
    sigset_t block;
    sigemptyset(&block);
    for (int s : handled) sigaddset(&block, s);
    if (sys::sigprocmask(SIG_BLOCK, &block, &masks.original) < 0) return -1;
    masks.wait = masks.original;
    for (int s : handled) sigdelset(&masks.wait, s);
    if (set(SIGCHLD, on_child) < 0 || set(SIGTERM, on_stop) < 0 || set(SIGINT, on_stop) < 0 ||
        set(SIGPIPE, SIG_IGN) < 0)
        return -1;
    return 0;
}

int reset_in_child(const Masks &masks) {
    for (int s : handled)
        if (set(s, SIG_DFL) < 0) return -1;
    return sys::sigprocmask(SIG_SETMASK, &masks.original, nullptr);
}

}  // namespace server::signals
