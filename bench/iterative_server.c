// SPDX-License-Identifier: MIT
/* The machine's limit without fork: one process accepts, serves and closes
 * each client in turn. Only meaningful for one message per connection.
 * usage: iterative_server [PORT [ADDR]]   (default 0 127.0.0.1) */
#define _GNU_SOURCE /* accept4 */
#include <errno.h>
#include <signal.h>

#include "serve_lines.h"

int main(int argc, char **argv) {
    int lfd = listen_on(argc > 2 ? argv[2] : "127.0.0.1", argc > 1 ? atoi(argv[1]) : 0);
    signal(SIGPIPE, SIG_IGN);
    for (;;) {
        struct sockaddr_in peer;
        int fd = accept_client(lfd, &peer);
        serve_lines(fd, &peer);
        close(fd);
    }
}
