// SPDX-License-Identifier: MIT
#include "probe/process.hpp"

#include <fcntl.h>
#include <linux/close_range.h>
#include <signal.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <array>
#include <atomic>
#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <stdexcept>

#include "probe/poll_until.hpp"
#include "probe/proc_scan.hpp"

namespace probe {
namespace {

std::string read_all(int fd) {
    std::string s;
    char buf[4096];
    off_t off = 0;
    for (;;) {
        const ssize_t n = pread(fd, buf, sizeof buf, off);
        if (n <= 0) return s;
        s.append(buf, static_cast<std::size_t>(n));
        off += n;
    }
}

// The groups of the processes alive, for kill_every_process_group(): slots
// of lock-free atomics, so a signal handler may read them.
std::array<std::atomic<pid_t>, 64> live_groups{};

void remember_group(pid_t pgid) {
    for (auto &slot : live_groups) {
        pid_t free = 0;
        if (slot.compare_exchange_strong(free, pgid)) return;
    }
}

bool is_live_group(pid_t pid) {
    for (auto &slot : live_groups)
        if (slot.load() == pid) return true;
    return false;
}

// Processes that left a server's group (setsid, as xinetd's handlers do)
// come to us as subreaper when the server dies: none may outlive its case,
// running or as a zombie. Every child that is no live Process is one.
void end_adopted_orphans() {
    for (const auto &k : children_of(getpid())) {
        if (is_live_group(k.pid)) continue;
        ::kill(k.pid, SIGKILL);
        int st = 0;
        waitpid(k.pid, &st, 0);
    }
}

void forget_group(pid_t pgid) {
    for (auto &slot : live_groups) {
        pid_t mine = pgid;
        if (slot.compare_exchange_strong(mine, 0)) return;
    }
}

int make_memfd(const char *name) {
    const int fd = memfd_create(name, MFD_CLOEXEC);
    if (fd < 0) throw std::runtime_error(std::string("memfd_create: ") + std::strerror(errno));
    return fd;
}

}  // namespace

ExecError::ExecError(const std::string &program, int error)
    : std::runtime_error("cannot run '" + program + "': " + std::strerror(error)), error_(error) {}

void kill_every_process_group() {
    for (auto &slot : live_groups)
        if (const pid_t pgid = slot.load(); pgid > 0) ::kill(-pgid, SIGKILL);
}

void prepare_test_process() {
    prctl(PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0);
    ::signal(SIGPIPE, SIG_IGN);
}

Process::Process(std::vector<std::string> argv, Input input) {
    out_fd_ = make_memfd("stdout");
    err_fd_ = make_memfd("stderr");
    int in_fd = -1;
    if (input.kind == Input::data) {
        in_fd = make_memfd("stdin");
        if (write(in_fd, input.bytes.data(), input.bytes.size()) !=
            static_cast<ssize_t>(input.bytes.size()))
            throw std::runtime_error("writing stdin");
        lseek(in_fd, 0, SEEK_SET);
    } else if (input.kind == Input::pipe) {
        int p[2];
        if (pipe2(p, O_CLOEXEC) < 0) throw std::runtime_error("pipe2");
        in_fd = p[0];
        stdin_fd_ = p[1];
    } else if (input.kind == Input::terminal) {
        stdin_fd_ = posix_openpt(O_RDWR | O_NOCTTY | O_CLOEXEC);
        if (stdin_fd_ < 0 || grantpt(stdin_fd_) < 0 || unlockpt(stdin_fd_) < 0)
            throw std::runtime_error("posix_openpt");
        in_fd = open(ptsname(stdin_fd_), O_RDWR | O_NOCTTY | O_CLOEXEC);
        if (in_fd < 0) throw std::runtime_error("opening the pty");
    }
    std::vector<char *> args;
    for (auto &a : argv) args.push_back(a.data());
    args.push_back(nullptr);

    // The child reports a failed exec through this pipe; a successful exec
    // closes it (O_CLOEXEC), so the parent reads end of file.
    int exec_status[2];
    if (pipe2(exec_status, O_CLOEXEC) < 0) throw std::runtime_error("pipe2");
    const pid_t test = getpid();
    pid_ = fork();
    if (pid_ < 0) {
        const int e = errno;
        close(exec_status[0]);
        close(exec_status[1]);
        throw std::runtime_error(std::string("fork: ") + std::strerror(e));
    }
    if (pid_ == 0) {
        // Killed with the test even when it gets no chance to clean up (a
        // ctest timeout, a kill): its own children then see their clients go.
        prctl(PR_SET_PDEATHSIG, SIGKILL);
        if (getppid() != test) _exit(127);
        setpgid(0, 0);
        const int in = in_fd >= 0 ? in_fd : open("/dev/null", O_RDONLY);
        dup2(in, 0);
        dup2(out_fd_, 1);
        dup2(err_fd_, 2);
        // Only 0, 1 and 2 reach the program: an fd the test runner leaked
        // without O_CLOEXEC would count against the server's fd baseline.
        close_range(3, ~0U, CLOSE_RANGE_CLOEXEC);
        sigset_t none;
        sigemptyset(&none);
        sigprocmask(SIG_SETMASK, &none, nullptr);
        ::signal(SIGPIPE, SIG_DFL);
        execvp(args[0], args.data());
        const int e = errno;
        (void)!write(exec_status[1], &e, sizeof e);
        _exit(127);
    }
    setpgid(pid_, pid_);  // also here, so the group exists before we return
    remember_group(pid_);
    if (in_fd >= 0) close(in_fd);
    close(exec_status[1]);
    int error = 0;
    ssize_t n;
    while ((n = read(exec_status[0], &error, sizeof error)) < 0 && errno == EINTR) {
    }
    close(exec_status[0]);
    if (n == static_cast<ssize_t>(sizeof error)) {
        int st = 0;
        waitpid(pid_, &st, 0);
        forget_group(pid_);
        pid_ = -1;
        close_stdin();
        close(out_fd_);
        close(err_fd_);
        throw ExecError(argv[0], error);
    }
}

Process::~Process() {
    if (pid_ > 0) {
        ::kill(-pid_, SIGKILL);
        ::kill(pid_, SIGKILL);
        if (!status_) {
            int st = 0;
            waitpid(pid_, &st, 0);
        }
        // Children it left (now ours as subreaper, or init's) were killed
        // with the group; reap those that are ours.
        poll_until(
            [&] {
                int st = 0;
                const pid_t r = waitpid(-pid_, &st, WNOHANG);
                return r < 0;  // ECHILD: none left in the group
            },
            std::chrono::seconds(5));
        forget_group(pid_);
        end_adopted_orphans();
    }
    close_stdin();
    close(out_fd_);
    close(err_fd_);
}

bool Process::write_stdin(const std::string &bytes) {
    return stdin_fd_ >= 0 &&
           write(stdin_fd_, bytes.data(), bytes.size()) == static_cast<ssize_t>(bytes.size());
}

void Process::close_stdin() {
    if (stdin_fd_ >= 0) close(stdin_fd_);
    stdin_fd_ = -1;
}

std::string Process::out() const { return read_all(out_fd_); }
std::string Process::err() const { return read_all(err_fd_); }

bool Process::running() { return !wait(std::chrono::milliseconds(0)); }

int Process::signal(int sig) { return ::kill(pid_, sig); }

std::optional<int> Process::wait(std::chrono::milliseconds limit) {
    if (status_) return status_;
    poll_until(
        [&] {
            int st = 0;
            if (waitpid(pid_, &st, WNOHANG) == pid_) status_ = st;
            return status_.has_value();
        },
        limit);
    return status_;
}

int Process::exit_code(std::chrono::milliseconds limit) {
    const auto st = wait(limit);
    return st && WIFEXITED(*st) ? WEXITSTATUS(*st) : -1;
}

}  // namespace probe
