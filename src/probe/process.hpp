// SPDX-License-Identifier: MIT
// A process started by a check or a test, in a process group of its own, its
// stdout and stderr captured. The destructor kills the whole group and reaps
// the leader, whatever the caller did, so nothing outlives a failing check.
#pragma once

#include <sys/types.h>

#include <chrono>
#include <optional>
#include <stdexcept>
#include <string>
#include <vector>

namespace probe {

// What a process reads on stdin: nothing (/dev/null), given bytes then end
// of file, or a pipe or a terminal (pty) the test writes to with
// Process::write_stdin().
struct ProcessInput {
    enum Kind { none, data, pipe, terminal } kind = none;
    std::string bytes;
    static ProcessInput from(std::string b) { return {data, std::move(b)}; }
    static ProcessInput piped() { return {pipe, {}}; }
    static ProcessInput tty() { return {terminal, {}}; }
};

// The program could not be run at all (not found, not executable).
class ExecError : public std::runtime_error {
public:
    ExecError(const std::string &program, int error);
    int error() const { return error_; }

private:
    int error_;
};

class Process {
public:
    using Input = ProcessInput;

    // argv[0] is the program, searched on PATH when it has no '/' (execvp,
    // never a shell). Throws ExecError if it cannot be run.
    explicit Process(std::vector<std::string> argv, Input input = Input());
    Process(const Process &) = delete;
    Process &operator=(const Process &) = delete;
    ~Process();

    pid_t pid() const { return pid_; }
    std::string out() const;  // what it wrote to stdout so far
    std::string err() const;  // and to stderr

    bool write_stdin(const std::string &bytes);  // Input::piped() only
    void close_stdin();
    bool running();
    int signal(int sig);  // kill(pid, sig)
    // The wait status once it exits within limit, else nothing.
    std::optional<int> wait(std::chrono::milliseconds limit);
    // Its exit code (WEXITSTATUS), or -1 if it did not exit normally in time.
    int exit_code(std::chrono::milliseconds limit = std::chrono::seconds(20));

private:
    pid_t pid_ = -1;
    int out_fd_ = -1, err_fd_ = -1;  // memfds the process writes to
    int stdin_fd_ = -1;              // our end of its stdin pipe or pty
    std::optional<int> status_;
};

// Call once in a program that starts processes: makes it the reaper of
// orphans it causes (a killed server's children) so none is left as a zombie,
// and ignores SIGPIPE so writing to a dead process's stdin is an error, not
// death.
void prepare_test_process();

// SIGKILLs the process group of every Process alive now. Async-signal-safe:
// for a SIGTERM handler, where no destructor will run.
void kill_every_process_group();

}  // namespace probe
