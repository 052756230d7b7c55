// SPDX-License-Identifier: MIT
/* The ceiling of the fork-per-connection design: accept, fork, close, and a
 * SIGCHLD handler that reaps with waitpid(WNOHANG) (Stevens' sigchldwaitpid).
 * No logging, no limits, no graceful shutdown.
 * usage: lean_server [PORT [ADDR]]   (default 0 127.0.0.1) */
#define _GNU_SOURCE /* accept4 */
#include <errno.h>
#include <signal.h>
#include <sys/wait.h>

#include "serve_lines.h"

static void reap(int sig) {
    (void)sig;
    int saved = errno;
    while (waitpid(-1, NULL, WNOHANG) > 0) {
    }
    errno = saved;
}

int main(int argc, char **argv) {
    int lfd = listen_on(argc > 2 ? argv[2] : "127.0.0.1", argc > 1 ? atoi(argv[1]) : 0);
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = reap;
    sa.sa_flags = SA_RESTART | SA_NOCLDSTOP;
    sigaction(SIGCHLD, &sa, NULL);
    signal(SIGPIPE, SIG_IGN);
    for (;;) {
        struct sockaddr_in peer;
        int fd = accept_client(lfd, &peer);
        pid_t pid = fork();
        if (pid == 0) {
            close(lfd);
            serve_lines(fd, &peer);
            _exit(0);
        }
        close(fd);
    }
}
