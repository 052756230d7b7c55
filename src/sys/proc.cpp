// SPDX-License-Identifier: MIT
#include "sys/proc.hpp"

#include <sys/wait.h>
#include <unistd.h>

#include "sys/fault.hpp"

namespace sys {

pid_t fork() {
    if (fails(Point::fork)) return -1;
    return ::fork();
}

pid_t waitpid(pid_t pid, int *status, int options) {
    if (fails(Point::waitpid)) return -1;
    return ::waitpid(pid, status, options);
}

int kill(pid_t pid, int sig) {
    if (fails(Point::kill)) return -1;
    return ::kill(pid, sig);
}

int sigaction(int sig, const struct sigaction *act, struct sigaction *old) {
    if (fails(Point::sigaction)) return -1;
    return ::sigaction(sig, act, old);
}

int sigprocmask(int how, const sigset_t *set, sigset_t *old) {
    if (fails(Point::sigprocmask)) return -1;
    return ::sigprocmask(how, set, old);
}

int setitimer(const itimerval &t) {
    if (fails(Point::setitimer)) return -1;
    return ::setitimer(ITIMER_REAL, &t, nullptr);
}

}  // namespace sys
