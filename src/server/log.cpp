#include "server/log.hpp"

#include <limits.h>
#include <signal.h>
#include <sys/uio.h>
#include <unistd.h>

#include <algorithm>
#include <array>
#include <atomic>
#include <cerrno>
#include <cstring>
#include <string>

#include "cli/args.hpp"

namespace server::log {
namespace {

constexpr std::size_t max_pieces = 8;
// A line this short is joined on the stack and written with write(), which
// costs the kernel less than writev() of its pieces.
constexpr std::size_t short_line = 512;

// Writes all of the iovecs (a short write is finished with more calls).
void write_all(int fd, iovec *v, std::size_t n) {
    while (n > 0) {
        const ssize_t k =
            n == 1 ? ::write(fd, v->iov_base, v->iov_len) : ::writev(fd, v, static_cast<int>(n));
        if (k < 0 && errno == EINTR) continue;
        if (k < 0) return;  // a log that cannot be written is not the client's failure
        auto done = static_cast<std::size_t>(k);
        while (n > 0 && done >= v->iov_len) {
            done -= v->iov_len;
            ++v;
            --n;
        }
        if (n > 0) {
            v->iov_base = static_cast<char *>(v->iov_base) + done;
            v->iov_len -= done;
        }
    }
}

// A child's held lines (hold_lines). Only the main flow writes them;
// end_by_signal() may interrupt it anywhere but in flush_held() and writes
// the first held_used bytes, which are whole lines: the count grows only
// after a line is copied. PIPE_BUF: one write of them is atomic in a pipe.
bool holding = false;
char held[PIPE_BUF];
volatile sig_atomic_t held_used = 0;

// sig's default action, now or, in its handler, when the handler returns.
void die_by(int sig) {
    struct sigaction sa {};
    sa.sa_handler = SIG_DFL;
    sigemptyset(&sa.sa_mask);
    (void)::sigaction(sig, &sa, nullptr);
    (void)::raise(sig);
}

}  // namespace

void hold_lines(bool on) {
    // Nothing is held while not holding. No write when nothing changes: a
    // static data page a child does not write costs it no copy-on-write.
    if (on == holding) return;
    if (!on) flush_held();
    holding = on;
}

bool lines_held() { return held_used > 0; }

void flush_held() {
    if (held_used == 0) return;
    const int saved = errno;
    // SIGTERM waits until the lines are written and forgotten: its handler
    // would write them again. Two calls a block, none a message.
    sigset_t term;
    sigset_t old;
    sigemptyset(&term);
    sigaddset(&term, SIGTERM);
    (void)::sigprocmask(SIG_BLOCK, &term, &old);
    iovec v{held, static_cast<std::size_t>(held_used)};
    write_all(STDERR_FILENO, &v, 1);
    held_used = 0;
    (void)::sigprocmask(SIG_SETMASK, &old, nullptr);
    errno = saved;
}

void end_by_signal(int sig) {
    const auto n = static_cast<std::size_t>(held_used);
    std::atomic_signal_fence(std::memory_order_acquire);
    iovec v{held, n};
    if (n > 0) write_all(STDERR_FILENO, &v, 1);
    die_by(sig);
}

namespace {

// pieces and "\n" in one write, errno kept. Raw fds, not stdio: the parent
// buffers nothing, so nothing is written twice after fork, and no FILE or buffer
// page is touched (each page a process writes after fork costs it a
// copy-on-write fault).
void put(int fd, std::initializer_list<std::string_view> pieces) {
    if (fd == STDERR_FILENO) flush_held();  // they came first
    const int saved = errno;
    std::array<iovec, max_pieces + 1> iov{};
    std::size_t n = 0;
    std::size_t total = 1;
    for (const std::string_view p : pieces) {
        if (p.empty() || n == max_pieces) continue;
        iov[n++] = {const_cast<char *>(p.data()), p.size()};
        total += p.size();
    }
    iov[n++] = {const_cast<char *>("\n"), 1};
    if (total <= short_line) {
        char line[short_line];
        std::size_t used = 0;
        for (std::size_t i = 0; i < n; ++i) {
            std::memcpy(line + used, iov[i].iov_base, iov[i].iov_len);
            used += iov[i].iov_len;
        }
        iov[0] = {line, used};
        write_all(fd, iov.data(), 1);
    } else {
        write_all(fd, iov.data(), n);
    }
    errno = saved;
}

}  // namespace

void event(std::string_view l) { put(STDOUT_FILENO, {l}); }
void error(std::string_view what) { put(STDERR_FILENO, {"serverfork: ", what}); }
void event(std::initializer_list<std::string_view> pieces) { put(STDOUT_FILENO, pieces); }

void line(std::initializer_list<std::string_view> pieces) {
    std::size_t total = 1;  // the newline
    for (const std::string_view p : pieces) total += p.size();
    if (!holding || total > sizeof held) return put(STDERR_FILENO, pieces);
    if (static_cast<std::size_t>(held_used) + total > sizeof held) flush_held();
    char *at = held + held_used;
    for (const std::string_view p : pieces) at = std::copy(p.begin(), p.end(), at);
    *at = '\n';
    std::atomic_signal_fence(std::memory_order_release);  // the line, then the count
    held_used = static_cast<sig_atomic_t>(held_used + static_cast<sig_atomic_t>(total));
}

void failed(std::string_view call, std::string_view tail) {
    const std::string e = cli::errno_text(errno);
    put(STDERR_FILENO, {"serverfork: ", call, " failed: ", e, tail});
}

}  // namespace server::log
