// SPDX-License-Identifier: MIT
#include "server/options.hpp"

#include <arpa/inet.h>
#include <sys/socket.h>

#include <fstream>

#include "cli/tokens.hpp"

namespace server {
namespace {

constexpr const char *prog = "serverfork";

constexpr const char *usage =
    "usage: serverfork [OPTION]...\n"
    "A fork-per-connection message server: one child per client replies to\n"
    "each line it sends until it sends 'quit'.\n"
    "\n"
    "  --port N           TCP port to listen on (0-65535; 0 lets the kernel pick;\n"
    "                     default 3490)\n"
    "  --bind ADDR        local address (default 0.0.0.0; '::' is IPv6 and IPv4)\n"
    "  --backlog N        pending connections the kernel queues (1-65535;\n"
    "                     default and cap: net.core.somaxconn)\n"
    "  --max-message N    longest message in bytes (1-1048576; 199)\n"
    "  --reply MODE       hello: reply 'Hello, World!'; echo: reply the message\n"
    "                     (default hello)\n"
    "  --framing MODE     line: a message is a line; raw: one recv() is one\n"
    "                     message, as the worksheet's server (default line)\n"
    "  --max-children N   live children at most; more clients wait (1-65536; 64)\n"
    "  --max-per-address N  live connections from one IP address at most; more\n"
    "                     are refused with an error line (0-65536; 0: no limit)\n"
    "  --idle-timeout S   close a connection with no message, or whose reply\n"
    "                     cannot be sent, for S seconds (1-86400; 300)\n"
    "  --grace S          on SIGTERM/SIGINT/SIGHUP, let children finish for S\n"
    "                     seconds before terminating them (0-3600; 10)\n"
    "  --log-level LEVEL  all: log every connection, message and child; errors:\n"
    "                     only errors and the start and stop lines (default all)\n"
    "  --log-flush MS     a child writes its message lines in blocks, each line\n"
    "                     at most MS ms late (0-60000; 0: at once; default 100,\n"
    "                     or 0 when stderr is a terminal)\n"
    "  -h, --help         show this help\n"
    "      --version      show the version\n"
    "\n"
    "Prints 'Server: listening on ADDR:PORT' once ready, then 'Server: backlog N'.\n"
    "Exit status: 0 after a clean shutdown, 1 on a run-time failure (e.g. address\n"
    "in use), 2 on a bad command line.\n";

}  // namespace

std::variant<Options, cli::Stop> parse_options(int argc, const char *const argv[]) {
    auto parsed =
        cli::tokenize(prog, argc, argv,
                      {"port", "bind", "backlog", "max-message", "reply", "framing", "max-children",
                       "max-per-address", "idle-timeout", "grace", "log-level", "log-flush"});
    if (auto *stop = std::get_if<cli::Stop>(&parsed)) return *stop;
    const auto &t = std::get<cli::Tokens>(parsed);
    if (t.help) return cli::Stop{cli::exit_ok, usage};
    if (auto stop = cli::no_operands(prog, t)) return *stop;

    Options o;
    for (const auto &[name, value] : t.options) {
        auto set = [&, &name = name, &value = value](auto &field, long lo, long hi) {
            return cli::set_number(prog, name, value, lo, hi, field);
        };
        std::optional<cli::Stop> stop;
        if (name == "port") {
            stop = set(o.port, 0, 65535);
        } else if (name == "backlog") {
            stop = set(o.backlog, 1, 65535);
        } else if (name == "max-message") {
            stop = set(o.max_message, 1, 1048576);
        } else if (name == "max-children") {
            stop = set(o.max_children, 1, 65536);
        } else if (name == "max-per-address") {
            stop = set(o.max_per_address, 0, 65536);
        } else if (name == "idle-timeout") {
            stop = set(o.idle_timeout_s, 1, 86400);
        } else if (name == "grace") {
            stop = set(o.grace_s, 0, 3600);
        } else if (name == "log-flush") {
            stop = set(o.log_flush_ms, 0, 60000);
        } else if (name == "bind") {
            unsigned char buf[sizeof(in6_addr)];
            if (inet_pton(AF_INET, value.c_str(), buf) != 1 &&
                inet_pton(AF_INET6, value.c_str(), buf) != 1)
                stop = cli::bad_value(prog, name, "an IPv4 or IPv6 address", value);
            o.bind = value;
        } else if (name == "reply") {
            stop = cli::set_choice(prog, name, value, cli::reply_modes, o.reply);
        } else if (name == "framing") {
            stop = cli::set_choice(prog, name, value, cli::framings, o.framing);
        } else if (name == "log-level") {
            stop = cli::set_choice(prog, name, value, {{"all", true}, {"errors", false}},
                                   o.log_connections);
        }
        if (stop) return *stop;
    }
    return o;
}

int backlog_for(int asked, int system_cap) {
    return asked > 0 && asked < system_cap ? asked : system_cap;
}

int system_somaxconn(const char *path) {
    std::ifstream in(path);
    long v = 0;
    if (in >> v && v > 0 && v <= 65535) return static_cast<int>(v);
    return SOMAXCONN;
}

int log_flush_ms(const Options &o, bool stderr_is_terminal) {
    if (o.log_flush_ms >= 0) return o.log_flush_ms;
    return stderr_is_terminal ? 0 : default_log_flush_ms;
}

}  // namespace server
