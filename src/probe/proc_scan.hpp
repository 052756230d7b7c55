// SPDX-License-Identifier: MIT
// What /proc says about processes. /proc/PID/task/*/children is missing on
// some kernels, so children are found by scanning every /proc/*/stat.
#pragma once

#include <sys/types.h>

#include <map>
#include <string>
#include <vector>

namespace probe {

struct ProcStat {
    pid_t pid;
    char state;  // R, S, Z, ...
    pid_t ppid;
};

// Every process on the machine.
std::vector<ProcStat> all_processes();
// Every process whose parent is ppid, zombies included.
std::vector<ProcStat> children_of(pid_t ppid);
// Open file descriptors of pid (-1 if it is gone).
int open_fd_count(pid_t pid);
// Whether pid has a listening TCP socket open (from /proc/net/tcp{,6}).
bool holds_listening_socket(pid_t pid);
// pid's open fds and what each is, in words: "listening TCP socket on port
// 38127", "TCP connection 127.0.0.1:38127 <-> 127.0.0.1:50112 (CLOSE_WAIT)",
// "/dev/null", "pipe:[1234]".
std::map<int, std::string> open_fds(pid_t pid);
// Whether some socket listens on this TCP port (any address, IPv4 or IPv6).
bool listening_on(int port);
// Connections waiting in the accept queue of the listener(s) on port, -1 if
// nothing listens there.
int accept_backlog(int port);
// "wait4" or "waitid" if pid is blocked in that call now, else "" (from
// /proc/PID/syscall, which shows the call a sleeping process is in).
std::string blocked_in_wait(pid_t pid);
// The call pid is blocked in if it is one a server waits in for a new
// client ("accept", "accept4", "poll", "select", "epoll_wait", ...), else "".
// A parent seen there with nothing in its accept queue has finished with
// every connection it accepted.
std::string awaiting_clients(pid_t pid);
// The call pid is blocked in if it is one a child waits in for its client's
// next bytes ("read", "recvfrom", "poll", ...), else "": a child seen there
// is past its set-up.
std::string awaiting_input(pid_t pid);
// On the server's side of the connection between local port server_port and
// peer port client_port: once everything the client sent has been read (the
// socket's receive queue is empty), the process that is blocked reading that
// socket for more, in words ("pid 4242 (./server 3490) in read(4)"); ""
// while bytes are still queued or nobody is reading it.
std::string reading_drained_connection(int server_port, int client_port);
// argv as ps shows it, NULs turned to spaces and trailing ones dropped.
std::string cmdline(pid_t pid);

}  // namespace probe
