/* Linked into coverage builds with -Wl,--wrap=_exit: a forked child that ends
   with _exit (serverfork's children, test children) would otherwise drop its
   coverage counters, which are written only by exit(). */
extern void __gcov_dump(void);
extern void __real__exit(int status) __attribute__((noreturn));

void __wrap__exit(int status) {
    __gcov_dump();
    __real__exit(status);
}
