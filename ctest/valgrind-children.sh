#!/bin/sh
# SPDX-License-Identifier: MIT
# CTest runs this as its valgrind. CTest passes --log-file=FILE and reads only
# FILE; with --trace-children=yes every exec'd program would reopen (truncate)
# that one file. So each process writes FILE.<pid>, and they are joined into
# FILE for CTest to count the defects.
log=
for a in "$@"; do
    case $a in --log-file=*) log=${a#--log-file=} ;; esac
done
[ -n "$log" ] || exec valgrind "$@"
rm -f "$log".pid*
first=1
for a in "$@"; do
    [ $first = 1 ] && { set --; first=0; }
    case $a in --log-file=*) a="--log-file=$log.pid%p" ;; esac
    set -- "$@" "$a"
done
valgrind "$@"
rc=$?
cat "$log".pid* > "$log" 2>/dev/null
rm -f "$log".pid*
exit $rc
