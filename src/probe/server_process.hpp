// SPDX-License-Identifier: MIT
// The server under test as a process: started on a free loopback port (the
// caller passes --port 0), ready once it prints its listening line.
#pragma once

#include <chrono>
#include <stdexcept>
#include <string>
#include <vector>

#include "probe/proc_scan.hpp"
#include "probe/process.hpp"

namespace probe {

// The server could not be made to serve: not run at all, ended before it
// listened, or still not listening when the time was up. what() is one line.
class StartError : public std::runtime_error {
public:
    StartError(const std::string &what, std::string err, bool timed_out = false)
        : std::runtime_error(what), stderr_(std::move(err)), timed_out_(timed_out) {}
    const std::string &server_stderr() const { return stderr_; }
    bool timed_out() const { return timed_out_; }  // still running, not listening

private:
    std::string stderr_;
    bool timed_out_;
};

class ServerProcess {
public:
    // argv: the server's path and its arguments. Throws StartError if it is
    // not listening within limit.
    // Without port: the server is serverfork, ready when it prints its
    // listening line. With port: any server, ready when a socket listens there.
    explicit ServerProcess(std::vector<std::string> argv,
                           std::chrono::milliseconds limit = std::chrono::seconds(10));
    ServerProcess(std::vector<std::string> argv, int port,
                  std::chrono::milliseconds limit = std::chrono::seconds(10));

    int port() const { return port_; }
    pid_t pid() const { return proc_.pid(); }
    Process &process() { return proc_; }
    std::string out() const { return proc_.out(); }
    std::string err() const { return proc_.err(); }

    std::vector<ProcStat> children() const { return children_of(proc_.pid()); }
    // True once the server has accepted every waiting connection and has no
    // child at all, live or zombie, and that has held for 100 ms, within
    // limit. (Looking only for children would pass before a fork happened.)
    // With zombies false, zombies do not count (they hold no fds).
    bool childless_within(std::chrono::milliseconds limit = std::chrono::seconds(10),
                          bool zombies = true) const;
    // True once stdout or stderr (as chosen) contains text, within limit.
    bool out_contains(const std::string &text,
                      std::chrono::milliseconds limit = std::chrono::seconds(10)) const;
    bool err_contains(const std::string &text,
                      std::chrono::milliseconds limit = std::chrono::seconds(10)) const;

private:
    Process proc_;
    int port_ = 0;
};

}  // namespace probe
