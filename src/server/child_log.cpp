// SPDX-License-Identifier: MIT
#include "server/child_log.hpp"

#include <limits.h>
#include <signal.h>

#include <algorithm>
#include <atomic>
#include <cerrno>
#include <string>

#include "server/log.hpp"

namespace server {
namespace {

// Only the main flow writes the block; end_by_signal() may interrupt it
// anywhere but in flush() and writes the first `used` bytes, which are whole
// lines: the count grows only after a line is copied.
char block[PIPE_BUF];
volatile sig_atomic_t used = 0;

// sig's default action, now or, in its handler, when the handler returns.
void die_by(int sig) {
    struct sigaction sa {};
    sa.sa_handler = SIG_DFL;
    sigemptyset(&sa.sa_mask);
    (void)::sigaction(sig, &sa, nullptr);
    (void)::raise(sig);
}

}  // namespace

void ChildLog::message(std::initializer_list<std::string_view> pieces) {
    std::size_t total = 1;  // the newline
    for (const std::string_view p : pieces) total += p.size();
    if (!holding_ || total > sizeof block) {
        flush();
        log::line(pieces);
        return;
    }
    if (static_cast<std::size_t>(used) + total > sizeof block) flush();
    char *at = block + used;
    for (const std::string_view p : pieces) at = std::copy(p.begin(), p.end(), at);
    *at = '\n';
    std::atomic_signal_fence(std::memory_order_release);  // the line, then the count
    used = static_cast<sig_atomic_t>(used + static_cast<sig_atomic_t>(total));
}

void ChildLog::error(std::string_view what) {
    flush();
    log::error(what);
}

void ChildLog::failed(std::string_view call) {
    flush();
    const int e = errno;  // kept across the allocation
    const std::string tail = " (client " + std::string(endpoint_) + ")";
    errno = e;
    log::failed(call, tail);
}

void ChildLog::tick(clock::time_point now) {
    if (used == 0) return;
    if (due_ == clock::time_point::max())
        due_ = now + hold_;
    else if (now >= due_) {
        flush();
        due_ = clock::time_point::max();
    }
}

ChildLog::clock::time_point ChildLog::due() const {
    return used > 0 ? due_ : clock::time_point::max();
}

void ChildLog::flush() {
    if (used == 0) return;
    const int saved = errno;
    // SIGTERM waits until the lines are written and forgotten: its handler
    // would write them again. Two calls a block, none a message.
    sigset_t term;
    sigset_t old;
    sigemptyset(&term);
    sigaddset(&term, SIGTERM);
    (void)::sigprocmask(SIG_BLOCK, &term, &old);
    log::write_stderr({block, static_cast<std::size_t>(used)});
    used = 0;
    (void)::sigprocmask(SIG_SETMASK, &old, nullptr);
    errno = saved;
}

void ChildLog::end_by_signal(int sig) {
    const auto n = static_cast<std::size_t>(used);
    std::atomic_signal_fence(std::memory_order_acquire);
    if (n > 0) log::write_stderr({block, n});
    die_by(sig);
}

}  // namespace server
