// SPDX-License-Identifier: MIT
/* The message protocol at its leanest, shared by the lean C servers: one
 * "Hello, World!" per line, "Goodbye, IP" and close after "quit". */
#ifndef BENCH_SERVE_LINES_H
#define BENCH_SERVE_LINES_H

#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

static int send_all(int fd, const char *p, size_t n) {
    while (n > 0) {
        ssize_t k = send(fd, p, n, MSG_NOSIGNAL);
        if (k < 0) return -1;
        p += k;
        n -= (size_t)k;
    }
    return 0;
}

/* The next connection, retried until one comes; out of fds, a short pause
 * rather than a spin. */
static int accept_client(int lfd, struct sockaddr_in *peer) {
    for (;;) {
        socklen_t len = sizeof *peer;
        int fd = accept4(lfd, (struct sockaddr *)peer, &len, SOCK_CLOEXEC);
        if (fd >= 0) return fd;
        if (errno == EMFILE || errno == ENFILE) usleep(100000);
    }
}

/* Serves one client until end of input, quit or an error. */
static void serve_lines(int fd, const struct sockaddr_in *peer) {
    static const char hello[] = "Hello, World!\n";
    char in[4096], out[4096];
    size_t have = 0;
    for (;;) {
        ssize_t n = recv(fd, in + have, sizeof in - have, 0);
        if (n <= 0) return;
        have += (size_t)n;
        size_t start = 0, used = 0;
        char *nl;
        while ((nl = memchr(in + start, '\n', have - start)) != NULL) {
            size_t len = (size_t)(nl - (in + start));
            if (len > 0 && in[start + len - 1] == '\r') --len;
            if (len == 4 && memcmp(in + start, "quit", 4) == 0) {
                char ip[INET_ADDRSTRLEN] = "?";
                inet_ntop(AF_INET, &peer->sin_addr, ip, sizeof ip);
                used += (size_t)snprintf(out + used, sizeof out - used, "Goodbye, %s\n", ip);
                send_all(fd, out, used);
                return;
            }
            if (used + sizeof hello > sizeof out) {
                if (send_all(fd, out, used) < 0) return;
                used = 0;
            }
            memcpy(out + used, hello, sizeof hello - 1);
            used += sizeof hello - 1;
            start = (size_t)(nl - in) + 1;
        }
        if (used > 0 && send_all(fd, out, used) < 0) return;
        memmove(in, in + start, have - start);
        have -= start;
        if (have == sizeof in) have = 0; /* an over-long line: dropped */
    }
}

/* A listening IPv4 socket on addr:port (port 0: any free one); prints
 * "listening on ADDR:PORT" on stdout, as serverfork does. */
static int listen_on(const char *addr, int port) {
    struct sockaddr_in sa;
    memset(&sa, 0, sizeof sa);
    sa.sin_family = AF_INET;
    sa.sin_port = htons((unsigned short)port);
    if (inet_pton(AF_INET, addr, &sa.sin_addr) != 1) {
        fprintf(stderr, "bad address %s\n", addr);
        exit(2);
    }
    int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0), yes = 1;
    socklen_t len = sizeof sa;
    if (fd < 0 || setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &yes, sizeof yes) < 0 ||
        bind(fd, (struct sockaddr *)&sa, sizeof sa) < 0 || listen(fd, 128) < 0 ||
        getsockname(fd, (struct sockaddr *)&sa, &len) < 0) {
        perror("listen_on");
        exit(1);
    }
    printf("listening on %s:%d\n", addr, ntohs(sa.sin_port));
    fflush(stdout);
    return fd;
}

#endif
