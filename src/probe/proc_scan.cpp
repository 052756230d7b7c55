// SPDX-License-Identifier: MIT
#include "probe/proc_scan.hpp"

#include <dirent.h>
#include <sys/syscall.h>

#include <unistd.h>

#include <cstdlib>
#include <fstream>
#include <set>
#include <sstream>

namespace probe {
namespace {

bool read_stat(pid_t pid, ProcStat &out) {
    std::ifstream f("/proc/" + std::to_string(pid) + "/stat");
    std::string s;
    if (!std::getline(f, s)) return false;
    // The command name may hold spaces and ')': parse after the last ')'.
    const auto close = s.rfind(')');
    if (close == std::string::npos) return false;
    std::istringstream rest(s.substr(close + 1));
    char state = 0;
    pid_t ppid = 0;
    if (!(rest >> state >> ppid)) return false;
    out = {pid, state, ppid};
    return true;
}

template <class F>
void for_each_number(const std::string &dir, F f) {
    DIR *d = opendir(dir.c_str());
    if (d == nullptr) return;
    while (dirent *e = readdir(d)) {
        char *end = nullptr;
        const long n = std::strtol(e->d_name, &end, 10);
        if (end != e->d_name && *end == '\0') f(n);
    }
    closedir(d);
}

// One row of /proc/net/tcp{,6}, addresses in the kernel's hex.
struct TcpRow {
    std::string local, remote, state, queues, inode;
};

template <class F>
void for_each_tcp_row(F f) {
    for (const char *path : {"/proc/net/tcp", "/proc/net/tcp6"}) {
        std::ifstream table(path);
        std::string line;
        std::getline(table, line);  // header
        while (std::getline(table, line)) {
            std::istringstream l(line);
            std::string sl, tr, retr, uid, timeout;
            TcpRow r;
            l >> sl >> r.local >> r.remote >> r.state >> r.queues >> tr >> retr >> uid >> timeout >>
                r.inode;
            f(r);
        }
    }
}

// Calls f(local port, inode, accept backlog) for each listening TCP socket.
template <class F>
void for_each_listener(F f) {
    for_each_tcp_row([&](const TcpRow &r) {
        const auto colon = r.local.rfind(':');
        if (r.state == "0A" && colon != std::string::npos)  // TCP_LISTEN
            // For a listener, rx_queue is the accept backlog.
            f(std::stoi(r.local.substr(colon + 1), nullptr, 16), r.inode,
              std::stoi(r.queues.substr(r.queues.find(':') + 1), nullptr, 16));
    });
}

// "127.0.0.1:38127" from /proc/net/tcp's "0100007F:94EF" (IPv4 only; an
// IPv6 address is shown as the kernel writes it).
std::string address_of(const std::string &hex) {
    const auto colon = hex.rfind(':');
    if (colon == std::string::npos) return hex;
    const std::string port = std::to_string(std::stoi(hex.substr(colon + 1), nullptr, 16));
    if (colon != 8) return "[" + hex.substr(0, colon) + "]:" + port;
    const unsigned long a = std::stoul(hex.substr(0, 8), nullptr, 16);
    return std::to_string(a & 0xff) + "." + std::to_string((a >> 8) & 0xff) + "." +
           std::to_string((a >> 16) & 0xff) + "." + std::to_string(a >> 24) + ":" + port;
}

const char *tcp_state(const std::string &st) {
    static const char *const names[] = {"?",          "ESTABLISHED", "SYN_SENT",  "SYN_RECV",
                                        "FIN_WAIT1",  "FIN_WAIT2",   "TIME_WAIT", "CLOSE",
                                        "CLOSE_WAIT", "LAST_ACK",    "LISTEN",    "CLOSING"};
    const int n = std::stoi(st, nullptr, 16);
    return n > 0 && n < 12 ? names[n] : "?";
}

// Each TCP socket's inode and what it is, in words.
std::map<std::string, std::string> tcp_sockets() {
    std::map<std::string, std::string> out;
    for_each_tcp_row([&](const TcpRow &r) {
        out[r.inode] = r.state == "0A" ? "the listening socket " + address_of(r.local)
                                       : "a TCP connection " + address_of(r.local) + " <-> " +
                                             address_of(r.remote) + " (" + tcp_state(r.state) + ")";
    });
    return out;
}

std::set<std::string> listening_inodes() {
    std::set<std::string> inodes;
    for_each_listener([&](int, const std::string &inode, int) { inodes.insert(inode); });
    return inodes;
}

}  // namespace

std::vector<ProcStat> all_processes() {
    std::vector<ProcStat> all;
    for_each_number("/proc", [&](long pid) {
        ProcStat s{};
        if (read_stat(static_cast<pid_t>(pid), s)) all.push_back(s);
    });
    return all;
}

std::vector<ProcStat> children_of(pid_t ppid) {
    std::vector<ProcStat> kids;
    for_each_number("/proc", [&](long pid) {
        ProcStat s{};
        if (read_stat(static_cast<pid_t>(pid), s) && s.ppid == ppid) kids.push_back(s);
    });
    return kids;
}

int open_fd_count(pid_t pid) {
    int n = -1;
    const std::string dir = "/proc/" + std::to_string(pid) + "/fd";
    if (DIR *d = opendir(dir.c_str())) {
        closedir(d);
        n = 0;
        for_each_number(dir, [&](long) { ++n; });
    }
    return n;
}

bool holds_listening_socket(pid_t pid) {
    const auto inodes = listening_inodes();
    const std::string dir = "/proc/" + std::to_string(pid) + "/fd/";
    bool found = false;
    for_each_number(dir, [&](long fd) {
        char target[128];
        const ssize_t n = readlink((dir + std::to_string(fd)).c_str(), target, sizeof target - 1);
        if (n <= 0) return;
        const std::string t(target, static_cast<std::size_t>(n));
        if (t.starts_with("socket:[") && inodes.count(t.substr(8, t.size() - 9))) found = true;
    });
    return found;
}

std::map<int, std::string> open_fds(pid_t pid) {
    std::map<int, std::string> fds;
    const auto sockets = tcp_sockets();
    const std::string dir = "/proc/" + std::to_string(pid) + "/fd/";
    for_each_number(dir, [&](long fd) {
        char target[256];
        const ssize_t n = readlink((dir + std::to_string(fd)).c_str(), target, sizeof target - 1);
        if (n <= 0) return;
        std::string t(target, static_cast<std::size_t>(n));
        if (t.starts_with("socket:[")) {
            const auto it = sockets.find(t.substr(8, t.size() - 9));
            if (it != sockets.end()) t = it->second;
        }
        fds[static_cast<int>(fd)] = t;
    });
    return fds;
}

bool listening_on(int port) {
    bool found = false;
    for_each_listener([&](int p, const std::string &, int) { found = found || p == port; });
    return found;
}

int accept_backlog(int port) {
    int backlog = -1;
    for_each_listener([&](int p, const std::string &, int queued) {
        if (p == port) backlog = (backlog < 0 ? 0 : backlog) + queued;
    });
    return backlog;
}

namespace {

// The blocking calls forkcheck tells apart, and what a process in one waits for.
enum class Waits { child, client, input, either };
struct Call {
    long number;
    const char *name;
    Waits waits;
};
constexpr Call calls[] = {
    {SYS_wait4, "wait4", Waits::child},
    {SYS_waitid, "waitid", Waits::child},
    {SYS_accept, "accept", Waits::client},
    {SYS_accept4, "accept4", Waits::client},
    {SYS_pause, "pause", Waits::client},
    {SYS_rt_sigsuspend, "rt_sigsuspend", Waits::client},
    {SYS_read, "read", Waits::input},
    {SYS_readv, "readv", Waits::input},
    {SYS_recvfrom, "recvfrom", Waits::input},
    {SYS_recvmsg, "recvmsg", Waits::input},
    {SYS_poll, "poll", Waits::either},
    {SYS_ppoll, "ppoll", Waits::either},
    {SYS_select, "select", Waits::either},
    {SYS_pselect6, "pselect6", Waits::either},
    {SYS_epoll_wait, "epoll_wait", Waits::either},
    {SYS_epoll_pwait, "epoll_pwait", Waits::either},
};

const Call *call_of(long number) {
    for (const Call &c : calls)
        if (c.number == number) return &c;
    return nullptr;
}

// The call pid is blocked in, if it waits for one of what; "" if it is
// running or in another call.
std::string blocked_in(pid_t pid, Waits what, Waits also) {
    std::ifstream f("/proc/" + std::to_string(pid) + "/syscall");
    long number = -1;
    if (!(f >> number)) return {};  // "running", or not readable
    const Call *c = call_of(number);
    return c != nullptr && (c->waits == what || c->waits == also) ? c->name : "";
}

}  // namespace

std::string blocked_in_wait(pid_t pid) { return blocked_in(pid, Waits::child, Waits::child); }
std::string awaiting_clients(pid_t pid) { return blocked_in(pid, Waits::client, Waits::either); }
std::string awaiting_input(pid_t pid) { return blocked_in(pid, Waits::input, Waits::either); }

std::string reading_drained_connection(int server_port, int client_port) {
    const auto port_of = [](const std::string &hex) {
        const auto colon = hex.rfind(':');
        return colon == std::string::npos ? -1 : std::stoi(hex.substr(colon + 1), nullptr, 16);
    };
    std::string inode;
    for_each_tcp_row([&](const TcpRow &r) {
        const bool drained = std::stoul(r.queues.substr(r.queues.find(':') + 1), nullptr, 16) == 0;
        if (port_of(r.local) == server_port && port_of(r.remote) == client_port && drained)
            inode = r.inode;
    });
    if (inode.empty()) return {};
    const std::string socket = "socket:[" + inode + "]";
    std::string who;
    for_each_number("/proc", [&](long pid) {
        if (!who.empty()) return;
        const std::string dir = "/proc/" + std::to_string(pid);
        std::ifstream f(dir + "/syscall");
        long number = -1;
        std::string fd_hex;
        if (!(f >> number >> fd_hex)) return;  // "running", or not ours to read
        // A read of one descriptor, its first argument (not poll or select).
        const Call *call = call_of(number);
        if (call == nullptr || call->waits != Waits::input) return;
        const long fd = std::strtol(fd_hex.c_str(), nullptr, 16);
        char target[64];
        const ssize_t n =
            readlink((dir + "/fd/" + std::to_string(fd)).c_str(), target, sizeof target - 1);
        if (n > 0 && std::string(target, static_cast<std::size_t>(n)) == socket)
            who = "pid " + std::to_string(pid) + " (" + cmdline(static_cast<pid_t>(pid)) + ") in " +
                  call->name + "(" + std::to_string(fd) + ")";
    });
    return who;
}

std::string cmdline(pid_t pid) {
    std::ifstream f("/proc/" + std::to_string(pid) + "/cmdline", std::ios::binary);
    std::string s((std::istreambuf_iterator<char>(f)), std::istreambuf_iterator<char>());
    while (!s.empty() && s.back() == '\0') s.pop_back();
    for (char &c : s)
        if (c == '\0') c = ' ';
    return s;
}

}  // namespace probe
