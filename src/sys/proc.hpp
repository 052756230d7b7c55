// SPDX-License-Identifier: MIT
// Process and signal syscalls, each behind its failure point.
#pragma once

#include <signal.h>
#include <sys/time.h>
#include <sys/types.h>

namespace sys {

pid_t fork();
pid_t waitpid(pid_t pid, int *status, int options);
int kill(pid_t pid, int sig);
int sigaction(int sig, const struct sigaction *act, struct sigaction *old);
int sigprocmask(int how, const sigset_t *set, sigset_t *old);
// ITIMER_REAL: SIGALRM after value, then every interval.
int setitimer(const itimerval &t);

}  // namespace sys
