// SPDX-License-Identifier: MIT
#include "client/options.hpp"

#include "cli/tokens.hpp"

namespace client {
namespace {

constexpr const char *prog = "msgclient";

constexpr const char *usage =
    "usage: msgclient [OPTION]... HOST\n"
    "Sends each line of standard input to a message server on HOST and prints\n"
    "its reply as 'Received: REPLY'. Prompts only when stdin is a terminal.\n"
    "On a terminal, bytes of a reply that are not printable are shown escaped\n"
    "(\\xNN, \\t, \\\\); elsewhere replies are printed verbatim.\n"
    "\n"
    "  --port N          server port (1-65535; default 3490)\n"
    "  --framing MODE    line: send lines, read reply lines; raw: send each line\n"
    "                    without its newline and take one recv() as the reply,\n"
    "                    for the worksheet's server (default line)\n"
    "  --timeout S       bound on connecting, on each reply, and on the replies\n"
    "                    still coming after the end of input (1-3600; 10)\n"
    "  --raw             print replies verbatim on a terminal too\n"
    "  -h, --help        show this help\n"
    "      --version     show the version\n"
    "\n"
    "Exit status: 0 after 'quit' or the end of input, 1 if the server cannot be\n"
    "reached, closes the connection (also within a reply line) or does not reply\n"
    "in time, 2 on a bad command line.\n";

}  // namespace

std::variant<Options, cli::Stop> parse_options(int argc, const char *const argv[]) {
    auto parsed = cli::tokenize(prog, argc, argv, {"port", "framing", "timeout"}, {"raw"});
    if (auto *stop = std::get_if<cli::Stop>(&parsed)) return *stop;
    const auto &t = std::get<cli::Tokens>(parsed);
    if (t.help) return cli::Stop{cli::exit_ok, usage};
    if (t.operands.size() != 1)
        return cli::Stop{
            cli::exit_usage,
            cli::error_line(prog, t.operands.empty() ? "missing HOST (try --help)"
                                                     : "unexpected argument '" + t.operands[1] +
                                                           "' (try --help)")};
    Options o;
    o.host = t.operands.front();
    o.raw = !t.flags.empty();  // --raw is the only flag
    for (const auto &[name, value] : t.options) {
        if (name == "port") {
            if (auto stop = cli::set_number(prog, name, value, 1, 65535, o.port)) return *stop;
        } else if (name == "timeout") {
            if (auto stop = cli::set_number(prog, name, value, 1, 3600, o.timeout_s)) return *stop;
        } else if (name == "framing") {
            if (auto stop = cli::set_choice(prog, name, value, cli::framings, o.framing))
                return *stop;
        }
    }
    return o;
}

}  // namespace client
