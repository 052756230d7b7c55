// SPDX-License-Identifier: MIT
// The parent's wake-up: a signal taken on another thread (fiu-run's control
// thread does not block SIGCHLD) must still wake the parent's ppoll, through
// the pipe; on the parent's own thread the interrupted ppoll is the wake-up.
#include <poll.h>
#include <pthread.h>
#include <signal.h>

#include <gtest/gtest.h>

#include <atomic>
#include <thread>

#include "server/signals.hpp"

namespace {

namespace sig = server::signals;

// Restores the default dispositions and the mask after a test.
struct Restore {
    sigset_t mask;
    Restore() { pthread_sigmask(SIG_SETMASK, nullptr, &mask); }
    ~Restore() {
        for (int s : {SIGCHLD, SIGTERM, SIGINT, SIGHUP, SIGPIPE, SIGALRM}) ::signal(s, SIG_DFL);
        pthread_sigmask(SIG_SETMASK, &mask, nullptr);
    }
};

bool readable(int fd, int timeout_ms) {
    pollfd p{fd, POLLIN, 0};
    return ::poll(&p, 1, timeout_ms) == 1;
}

TEST(Signals, AHandlerOnAnotherThreadWritesToTheWakePipe) {
    Restore restore;
    // Started before install(), so this thread keeps the signals unblocked,
    // as a preloaded library's thread does.
    std::atomic<bool> done{false};
    std::thread other([&] {
        while (!done) ::pause();  // each signal taken here ends one pause
    });
    sig::Setup setup;
    const auto failure = sig::install(setup);
    ASSERT_FALSE(failure) << sys::describe(*failure);
    ASSERT_FALSE(readable(setup.wake_fd, 0));
    sig::stop_signal = 0;
    ::kill(::getpid(), SIGTERM);  // only the other thread can take it
    EXPECT_TRUE(readable(setup.wake_fd, 5000)) << "no byte: the parent would sleep on";
    EXPECT_EQ(sig::stop_signal, SIGTERM);
    sig::drain(setup);
    EXPECT_FALSE(readable(setup.wake_fd, 0)) << "drain left the pipe readable";
    done = true;
    pthread_kill(other.native_handle(), SIGCHLD);
    other.join();
}

TEST(Signals, OnTheParentsThreadTheInterruptedWaitIsTheWakeUp) {
    Restore restore;
    sig::Setup setup;
    const auto failure = sig::install(setup);
    ASSERT_FALSE(failure) << sys::describe(*failure);
    sig::child_exited = 0;
    ::kill(::getpid(), SIGCHLD);  // pending: blocked outside the wait
    pollfd p{setup.wake_fd, POLLIN, 0};
    const timespec limit{5, 0};
    errno = 0;
    EXPECT_EQ(::ppoll(&p, 1, &limit, &setup.wait), -1);
    EXPECT_EQ(errno, EINTR);
    EXPECT_EQ(sig::child_exited, 1);
    EXPECT_FALSE(readable(setup.wake_fd, 0)) << "a byte no one needs: two syscalls per child";
}

}  // namespace
