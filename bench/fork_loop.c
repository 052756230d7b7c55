// SPDX-License-Identifier: MIT
/* The machine's limit of the design's core: fork, _exit in the child,
 * waitpid in the parent, in a loop, for S seconds (after one of warm-up).
 * Prints a human line and a JSON line as msgbench does.
 * usage: fork_loop [SECONDS]   (default 5) */
#include <stdio.h>
#include <stdlib.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static double now(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static long loop_for(double seconds) {
    long n = 0;
    for (double end = now() + seconds; now() < end; ++n) {
        pid_t pid = fork();
        if (pid < 0) {
            perror("fork");
            exit(1);
        }
        if (pid == 0) _exit(0);
        if (waitpid(pid, NULL, 0) != pid) {
            perror("waitpid");
            exit(1);
        }
    }
    return n;
}

int main(int argc, char **argv) {
    int seconds = argc > 1 ? atoi(argv[1]) : 5;
    if (seconds < 1) seconds = 1;
    loop_for(1.0);
    double t0 = now();
    long n = loop_for(seconds);
    double rate = (double)n / (now() - t0);
    printf("fork_loop: %ld fork+_exit+waitpid in %d s: %.1f/s, %.1f us each\n", n, seconds, rate,
           1e6 / rate);
    printf("{\"label\":\"fork-loop\",\"seconds\":%d,\"ops\":%ld,\"ops_per_s\":%.1f,\"errors\":0}\n",
           seconds, n, rate);
    return 0;
}
