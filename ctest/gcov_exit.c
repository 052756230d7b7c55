// SPDX-License-Identifier: MIT
/* Linked into coverage builds with -Wl,--wrap=_exit,--wrap=raise: a forked
   child that ends with _exit (serverfork's children, test children), or by
   raising a signal it does not catch (a child's SIGTERM handler, after it has
   written its held log lines), would otherwise drop its coverage counters,
   which are written only by exit(). */
extern void __gcov_dump(void);
extern void __real__exit(int status) __attribute__((noreturn));
extern int __real_raise(int sig);

void __wrap__exit(int status) {
    __gcov_dump();
    __real__exit(status);
}

int __wrap_raise(int sig) {
    __gcov_dump();
    return __real_raise(sig);
}
