// SPDX-License-Identifier: MIT
#include "server/parent.hpp"

#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <array>
#include <cerrno>
#include <charconv>
#include <cstring>
#include <ctime>

#include "net/address.hpp"
#include "net/deadline.hpp"
#include "protocol/reply.hpp"
#include "server/log.hpp"
#include "server/proctitle.hpp"
#include "sys/net.hpp"
#include "sys/proc.hpp"

namespace server {
namespace {

using std::chrono::milliseconds;
using clock = std::chrono::steady_clock;

// Out of fds or buffers: accepting again at once would spin.
constexpr milliseconds resource_backoff{100};
// A failed waitpid is retried this often while children are outstanding.
constexpr milliseconds reap_retry{100};
// After the grace period and SIGTERM, how long before SIGKILL.
constexpr milliseconds kill_wait{2000};
// Connections accepted per wakeup, so that signals are seen between batches.
constexpr int accept_batch = 32;
// How long a refused client may still send before its connection is closed
// (the child's linger after a goodbye is as long).
constexpr milliseconds refused_linger{1000};

// Reads and drops what fd has received, without waiting: false once the
// client has closed or the socket failed, true while it may send more.
bool drop_input(int fd) {
    char buf[4096];
    for (int i = 0; i < 16; ++i) {
        const ssize_t n = sys::recv(fd, buf, sizeof buf, MSG_DONTWAIT);
        if (n > 0) continue;
        return n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR);
    }
    return true;
}

// A decimal number in a buffer of its own, for log lines built without heap.
class Number {
public:
    explicit Number(long v)
        : len_(static_cast<std::size_t>(std::to_chars(buf_, buf_ + sizeof buf_, v).ptr - buf_)) {}
    std::string_view view() const { return {buf_, len_}; }

private:
    char buf_[24];
    std::size_t len_;
};

// "exited with status N" or "killed by signal N": waitpid without WUNTRACED
// or WCONTINUED reports nothing else.
struct Status {
    explicit Status(int status)
        : what(WIFEXITED(status) ? "exited with status " : "killed by signal "),
          number(WIFEXITED(status) ? WEXITSTATUS(status) : WTERMSIG(status)) {}
    std::string_view what;
    Number number;
};

const char *signal_name(int sig) {
    return sig == SIGINT ? "SIGINT" : sig == SIGHUP ? "SIGHUP" : "SIGTERM";
}

}  // namespace

Parent::Parent(const Options &options, Listener listener, const signals::Setup &signals)
    : options_(options), listener_(std::move(listener)), signals_(signals) {
    child_config_.framing = options.framing;
    child_config_.rules = {options.reply, options.max_message};
    child_config_.idle_timeout_s = options.idle_timeout_s;
    child_config_.log_messages = options.log_connections;
    child_config_.log_flush_ms = log_flush_ms(options, ::isatty(STDERR_FILENO) != 0);
    children_.reserve(static_cast<std::size_t>(options.max_children));
    refused_.reserve(max_refused);
}

int Parent::wait_event(bool listener, int timeout_ms) {
    std::array<pollfd, 2 + max_refused> fds;
    fds[0] = {signals_.wake_fd, POLLIN, 0};
    fds[1] = {listener ? listener_.fd.get() : -1, POLLIN, 0};  // -1: not polled
    std::size_t n_fds = 2;
    for (const Refused &r : refused_) {
        fds[n_fds++] = {r.fd.get(), POLLIN, 0};
        const auto left = std::chrono::ceil<milliseconds>(r.until - clock::now()).count();
        const int ms = left < 0 ? 0 : static_cast<int>(left);
        if (timeout_ms < 0 || ms < timeout_ms) timeout_ms = ms;
    }
    const int n = sys::poll(fds.data(), n_fds, timeout_ms, &signals_.wait);
    // The pipe is written only by handlers on other threads (a preloaded
    // library's); on this thread a handler interrupts ppoll() instead (EINTR).
    if (n > 0 && fds[0].revents != 0) signals::drain(signals_);
    return n > 0 && listener && fds[1].revents != 0 ? 1 : (n < 0 ? -1 : 0);
}

int Parent::run() {
    while (signals::stop_signal == 0) {
        const auto now = clock::now();
        const bool is_full = full();
        const bool paused = now < accept_paused_until_;
        if (is_full && !at_limit_) {
            at_limit_ = true;
            at_limit_since_ = now;
            if (options_.log_connections)
                log::event("Server: " + std::to_string(children_.size()) +
                           " children, the --max-children limit; new clients wait");
        }

        int timeout = -1;
        if (paused)
            timeout = static_cast<int>(
                std::chrono::ceil<milliseconds>(accept_paused_until_ - now).count());
        if (reap_failed_ && (timeout < 0 || timeout > reap_retry.count()))
            timeout = static_cast<int>(reap_retry.count());

        const int n = wait_event(!is_full && !paused, timeout);
        const bool wait_failed = n < 0 && errno != EINTR;
        if (wait_failed) {
            log::failed("poll", "; retrying in 100 ms");
            // poll itself failing: pausing is the only way not to spin.
            const timespec pause{0, milliseconds(resource_backoff).count() * 1000000L};
            nanosleep(&pause, nullptr);
        }
        // SIGCHLD is taken only inside the wait: while it fails, look for
        // exited children anyway, or they stay zombies.
        if (signals::child_exited || reap_failed_ || wait_failed) reap();
        if (!refused_.empty()) tend_refused();
        // Below the limit after waiting clients: an accept tells whether any
        // is still waiting (the listener alone does not say "no").
        if (n > 0 || (at_limit_ && !full() && clock::now() >= accept_paused_until_)) accept_some();
    }
    shut_down();
    return 0;
}

bool Parent::full() const {
    return children_.size() >= static_cast<std::size_t>(options_.max_children);
}

void Parent::note_no_client_waiting() {
    if (!at_limit_) return;
    at_limit_ = false;
    if (!options_.log_connections) return;
    const double s = std::chrono::duration<double>(clock::now() - at_limit_since_).count();
    char text[32];
    const auto r = std::to_chars(text, text + sizeof text, s, std::chars_format::fixed, 2);
    log::event({"Server: below the --max-children limit again, no client waiting, after ",
                {text, static_cast<std::size_t>(r.ptr - text)},
                " s at it"});
}

void Parent::accept_some() {
    for (int i = 0; i < accept_batch; ++i) {
        if (full()) return;
        sockaddr_storage ss{};
        socklen_t len = sizeof ss;
        const int fd = sys::accept(listener_.fd.get(), reinterpret_cast<sockaddr *>(&ss), &len,
                                   SOCK_CLOEXEC);  // blocking: see serve_client
        if (fd < 0) {
            switch (errno) {
            case EAGAIN:
#if EWOULDBLOCK != EAGAIN
            case EWOULDBLOCK:
#endif
                note_no_client_waiting();
                return;
            case EMFILE:
            case ENFILE:
            case ENOBUFS:
            case ENOMEM:
                log::failed("accept", "; pausing accepts for 100 ms");
                accept_paused_until_ = clock::now() + resource_backoff;
                return;
            default:  // EINTR, ECONNABORTED, EPROTO, EPERM, ...: that client only
                log::failed("accept", "; continuing");
                continue;
            }
        }
        sys::OwnFd conn(fd);
        Peer peer{net::ip_of(ss), {}};
        peer.endpoint = net::endpoint(peer.ip, net::port_of(ss));
        if (options_.log_connections) log::event({"Server: got connection from ", peer.endpoint});
        if (options_.max_per_address > 0 && refuse_if_crowded(conn, peer)) continue;
        spawn(std::move(conn), std::move(peer));
    }
}

void Parent::spawn(sys::OwnFd conn, Peer peer) {
    // No stdio flush first: the server writes only through log:: and
    // ChildLog, which holds lines only in a child, so nothing can be written twice.
    const pid_t pid = sys::fork();
    if (pid == 0) become_child(std::move(conn), peer);
    if (pid < 0) {
        log::failed("fork", "; refusing " + peer.endpoint);
        refuse(std::move(conn), proto::busy_reply);
        return;
    }
    Child &c = children_.emplace_back();
    c.pid = pid;
    c.len = static_cast<std::uint8_t>(std::min(peer.endpoint.size(), sizeof c.endpoint));
    std::memcpy(c.endpoint, peer.endpoint.data(), c.len);
}

bool Parent::refuse_if_crowded(sys::OwnFd &conn, const Peer &peer) {
    std::size_t from_ip = 0;
    bool said = false;
    for (const Child &c : children_) {
        if (c.ip() != peer.ip) continue;
        ++from_ip;
        said = said || c.crowded;
    }
    if (from_ip < static_cast<std::size_t>(options_.max_per_address)) return false;
    if (!said) {
        log::error("too many connections from " + peer.ip + " (--max-per-address " +
                   std::to_string(options_.max_per_address) +
                   "); refusing more until one of them ends");
        for (Child &c : children_)
            if (c.ip() == peer.ip) c.crowded = true;
    }
    refuse(std::move(conn), proto::crowd_reply(peer.ip));
    return true;
}

void Parent::refuse(sys::OwnFd conn, std::string_view reply) {
    (void)sys::send(conn.get(), reply.data(), reply.size(), MSG_DONTWAIT);
    if (sys::shutdown(conn.get(), SHUT_WR) < 0) return;  // closed here
    if (drop_input(conn.get()) && refused_.size() < max_refused)
        refused_.push_back({std::move(conn), clock::now() + refused_linger});
}

void Parent::tend_refused() {
    const auto now = clock::now();
    for (std::size_t i = 0; i < refused_.size();) {
        if (now < refused_[i].until && drop_input(refused_[i].fd.get())) {
            ++i;
        } else {  // closed, failed or late: the last entry takes its place
            refused_[i] = std::move(refused_.back());
            refused_.pop_back();
        }
    }
}

void Parent::become_child(sys::OwnFd conn, const Peer &peer) {
    listener_.fd.reset();
    // Only closed, not released: writing the shared page would copy it.
    for (const Refused &r : refused_) (void)sys::close(r.fd.get());
    if (signals::reset_in_child(signals_) < 0) log::failed("sigaction in child");
    // Built on the stack: a heap string would cost the child more copied pages.
    constexpr std::string_view prefix = "serverfork: child for ";
    char title[prefix.size() + sizeof(Child::endpoint)];
    const std::size_t n = std::min(peer.endpoint.size(), sizeof title - prefix.size());
    char *end = std::copy(prefix.begin(), prefix.end(), title);
    end = std::copy_n(peer.endpoint.data(), n, end);
    proctitle::set({title, static_cast<std::size_t>(end - title)});  // no NUL: a view
    const int status = serve_client(conn.get(), peer, child_config_);
    // _exit: the parent's atexit handlers and stdio buffers are not ours. It
    // also closes conn (and every other fd) at once: no close() call first.
    (void)conn.release();
    _exit(status);
}

void Parent::reap() {
    signals::child_exited = 0;
    reap_failed_ = false;
    for (;;) {
        int status = 0;
        const pid_t pid = sys::waitpid(-1, &status, WNOHANG);
        if (pid == 0) return;
        if (pid < 0) {
            if (errno == EINTR) continue;
            if (errno == ECHILD && children_.empty()) return;
            log::failed("waitpid", "; retrying in 100 ms");
            reap_failed_ = true;
            return;
        }
        const auto it = std::find_if(children_.begin(), children_.end(),
                                     [pid](const Child &c) { return c.pid == pid; });
        const bool known = it != children_.end();
        if (options_.log_connections || !WIFEXITED(status) || WEXITSTATUS(status) != 0) {
            const Number n_pid(pid);
            const Status st(status);
            log::event({"Server: child ", n_pid.view(), known ? " (" : "", known ? it->who() : "",
                        known ? ")" : "", " ", st.what, st.number.view()});
        }
        if (known && it->crowded) {  // its address is below its limit again
            const std::string_view ip = it->ip();
            for (Child &c : children_)
                if (&c != &*it && c.ip() == ip) c.crowded = false;
        }
        if (known) {
            *it = children_.back();
            children_.pop_back();
        }
        if (children_.empty()) return;  // none left: no WNOHANG call needed to learn it
    }
}

void Parent::wait_for_children(milliseconds limit, bool grace) {
    const auto deadline = net::Deadline::in(limit);
    while (!children_.empty() && !deadline.expired()) {
        // A second stop signal ends the grace period at once.
        if (grace && signals::stop_count > 1) return;
        const int n = wait_event(
            false, reap_failed_ ? static_cast<int>(reap_retry.count()) : deadline.poll_timeout());
        if (n < 0 && errno != EINTR) log::failed("poll");
        reap();
    }
}

void Parent::shut_down() {
    listener_.fd.reset();  // new clients are refused from here on
    refused_.clear();
    log::event(std::string("Server: ") + signal_name(signals::stop_signal) +
               " received, not accepting; waiting up to " + std::to_string(options_.grace_s) +
               " s for " + std::to_string(children_.size()) + " children");
    reap();
    wait_for_children(std::chrono::seconds(options_.grace_s), true);
    for (int sig : {SIGTERM, SIGKILL}) {
        if (children_.empty()) break;
        log::event("Server: sending " + std::string(sig == SIGTERM ? "SIGTERM" : "SIGKILL") +
                   " to " + std::to_string(children_.size()) + " children");
        for (const Child &c : children_)
            if (sys::kill(c.pid, sig) < 0)
                log::failed("kill", " (child " + std::to_string(c.pid) + ")");
        wait_for_children(kill_wait, false);
    }
    log::event("Server: stopped");
}

}  // namespace server
