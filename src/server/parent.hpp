// SPDX-License-Identifier: MIT
// The listening parent: accepts, forks a child per connection, reaps, obeys
// --max-children, and shuts down gracefully on SIGTERM, SIGINT or SIGHUP.
#pragma once

#include <sys/types.h>

#include <chrono>
#include <cstdint>
#include <string_view>
#include <vector>

#include "server/child.hpp"
#include "server/listener.hpp"
#include "server/options.hpp"
#include "server/signals.hpp"
#include "sys/dontfork.hpp"

namespace server {

class Parent {
public:
    // signals: as signals::install() left them.
    Parent(const Options &options, Listener listener, const signals::Setup &signals);
    // Serves until SIGTERM, SIGINT or SIGHUP; returns the exit status (0).
    int run();

private:
    // Waits for a signal or (if listener) a connection, up to timeout_ms:
    // 1 when the listener is readable, 0 otherwise, -1 with errno.
    int wait_event(bool listener, int timeout_ms);
    void accept_some();
    bool full() const;
    void note_no_client_waiting();
    void spawn(sys::OwnFd conn, Peer peer);
    // With --max-per-address reached for the peer's IP: refuses conn, true.
    bool refuse_if_crowded(sys::OwnFd &conn, const Peer &peer);
    // Sends reply (if it can without waiting) and closes conn gracefully.
    void refuse(sys::OwnFd conn, std::string_view reply);
    // Reads and drops what refused clients send; closes those done or late.
    void tend_refused();
    [[noreturn]] void become_child(sys::OwnFd conn, const Peer &peer);
    void reap();
    void wait_for_children(std::chrono::milliseconds limit, bool grace);
    void shut_down();

    Options options_;
    Listener listener_;
    signals::Setup signals_;
    ChildConfig child_config_;
    // A live child and its client's endpoint, for the log.
    struct Child {
        pid_t pid;
        std::uint8_t len;
        char endpoint[63];  // "[IPv6]:port" fits (53 at most)
        // Its address has --max-per-address connections, and a refusal
        // said so: until one of them ends, further refusals are not logged.
        bool crowded = false;
        std::string_view who() const { return {endpoint, len}; }
        std::string_view ip() const {
            std::string_view e = who().substr(0, who().rfind(':'));
            return e.starts_with('[') ? e.substr(1, e.size() - 2) : e;
        }
    };
    // The live children, flat and reserved for --max-children, so nothing is
    // allocated per connection, and in memory no child shares: a page the
    // parent writes while a child has it costs a copy-on-write fault (issue
    // 6). A reaped child is found by a linear search; erasing moves the last
    // entry into its place.
    std::vector<Child, sys::DontForkAllocator<Child>> children_;
    // Refused connections, their error line sent and their sending side shut:
    // the parent reads and drops what the client still sends until it closes
    // or its time is up, so that closing with unread input does not reset
    // the connection and destroy the line. Polled by the main loop, never
    // waited for; at most max_refused, beyond which a refused connection is
    // closed at once after reading what it has already sent. On the shared
    // heap, not DontFork memory: a new child must read it to close these fds,
    // or the clients would see no close until that child exits.
    struct Refused {
        sys::OwnFd fd;
        std::chrono::steady_clock::time_point until;
    };
    static constexpr std::size_t max_refused = 64;
    std::vector<Refused> refused_;
    std::chrono::steady_clock::time_point accept_paused_until_{};
    bool reap_failed_ = false;
    // At --max-children, clients wait: from when the limit is reached until,
    // below it again, no client is left waiting (an accept finds none).
    bool at_limit_ = false;
    std::chrono::steady_clock::time_point at_limit_since_{};
};

}  // namespace server
