// SPDX-License-Identifier: MIT
#include "forkcheck/options.hpp"

#include "cli/protocol_options.hpp"
#include "cli/tokens.hpp"

namespace forkcheck {
namespace {

constexpr const char *prog = "forkcheck";

constexpr const char *usage =
    "usage: forkcheck [OPTION]... -- SERVER [ARG]...\n"
    "Checks a forking message server against forkcheck's invariants and prints\n"
    "one verdict per invariant. SERVER is searched on PATH like a shell would,\n"
    "but run directly, never through a shell (for pipes or redirections, give\n"
    "'sh -c ...'). In its arguments {port} is replaced by a free port; without\n"
    "it the server must listen on --port.\n"
    "\n"
    "  --profile P          reference: the forkcheck protocol (lines, goodbye,\n"
    "                       errors); worksheet: the worksheet's program (one recv()\n"
    "                       one message, 'Hello, World!' to everything)\n"
    "                       (default reference)\n"
    "  --reply MODE         hello or echo: what the server replies (default hello)\n"
    "  --max-message N      the server's message limit (1-1048576; 199)\n"
    "  --port N             the server's fixed port when there is no {port}\n"
    "                       (1-65535; 3490)\n"
    "  --start-timeout S    a server not listening S seconds after it was started\n"
    "                       is a set-up error (1-600; 5)\n"
    "  --seed N             the seed of the generated cases (default: a random\n"
    "                       one, printed)\n"
    "  --max-success N      cases per invariant (1-100000; 25)\n"
    "  --timeout S          time limit per invariant, shrinking included\n"
    "                       (1-86400; 600)\n"
    "  --reproduce STRING   replay the minimal cases of a failed run (from its\n"
    "                       rerun line); other invariants are skipped\n"
    "  --faults             also run the fault-injection checks (libfiu)\n"
    "  --junit FILE         write the results as JUnit XML to FILE\n"
    "  --json               write one JSON object per invariant, then a summary,\n"
    "                       on stdout (the text report is not printed)\n"
    "  -q, --quiet          print only failures and the summary\n"
    "  -h, --help           show this help\n"
    "      --version        show the version\n"
    "\n"
    "Example: forkcheck --profile worksheet -- ./serverFork {port}\n"
    "Exit status: 0 if every invariant holds, 1 if one fails, 2 on a bad command\n"
    "line, 3 if the server cannot be started (a set-up error), 128+N when\n"
    "stopped by signal N.\n";

}  // namespace

std::string shell_word(const std::string &w) {
    if (!w.empty() && w.find_first_not_of("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"
                                          "0123456789@%+=:,./_-{}") == std::string::npos)
        return w;
    std::string q = "'";
    for (char c : w) q += c == '\'' ? std::string("'\\''") : std::string(1, c);
    return q + "'";
}

std::variant<Options, cli::Stop> parse_options(int argc, const char *const argv[]) {
    // -q is --quiet, as -h is --help.
    std::vector<const char *> args(argv, argv + argc);
    for (std::size_t i = 1; i < args.size(); ++i) {
        if (std::string_view(args[i]) == "--") break;
        if (std::string_view(args[i]) == "-q") args[i] = "--quiet";
    }
    auto parsed = cli::tokenize(prog, static_cast<int>(args.size()), args.data(),
                                {"profile", "reply", "max-message", "port", "start-timeout", "seed",
                                 "max-success", "timeout", "reproduce", "junit"},
                                {"faults", "json", "quiet"});
    if (auto *stop = std::get_if<cli::Stop>(&parsed)) return *stop;
    const auto &t = std::get<cli::Tokens>(parsed);
    if (t.help) return cli::Stop{cli::exit_ok, usage};

    Options o;
    auto usage_error = [](const std::string &msg) {
        return cli::Stop{cli::exit_usage, cli::error_line(prog, msg)};
    };
    int port = cli::default_port, start_s = 5;
    long long seed = 0;
    long time_s = 600;
    for (const auto &[name, value] : t.options) {
        std::optional<cli::Stop> bad;
        if (name == "profile")
            bad = cli::set_choice<probe::Profile>(prog, name, value,
                                                  {{"reference", probe::Profile::reference},
                                                   {"worksheet", probe::Profile::worksheet}},
                                                  o.target.profile);
        else if (name == "reply")
            bad = cli::set_choice<proto::ReplyMode>(prog, name, value, cli::reply_modes,
                                                    o.target.reply);
        else if (name == "max-message")
            bad = cli::set_number(prog, name, value, 1, 1048576, o.target.max_message);
        else if (name == "port")
            bad = cli::set_number(prog, name, value, 1, 65535, port);
        else if (name == "start-timeout")
            bad = cli::set_number(prog, name, value, 1, 600, start_s);
        else if (name == "seed") {
            bad = cli::set_number(prog, name, value, 0, 2147483647, seed);
            if (!bad) o.seed = static_cast<std::uint64_t>(seed);
        } else if (name == "max-success")
            bad = cli::set_number(prog, name, value, 1, 100000, o.max_success);
        else if (name == "timeout")
            bad = cli::set_number(prog, name, value, 1, 86400, time_s);
        else if (name == "reproduce")
            o.reproduce = value;
        else if (name == "junit")
            o.junit = value;
        if (bad) return *bad;
        o.given.emplace_back(name, value);
    }
    for (const auto &f : t.flags) {
        if (f == "faults") o.faults = true;
        if (f == "json") o.json = true;
        if (f == "quiet") o.quiet = true;
        o.given.emplace_back(f, "");
    }
    if (t.operands.empty()) return usage_error("missing the server command after -- (try --help)");
    if (o.junit == "") {
        for (const auto &[name, value] : t.options)
            if (name == "junit") return usage_error("--junit needs a file name");
    }
    o.target.command = t.operands;
    bool has_port = false;
    for (const auto &a : o.target.command)
        has_port = has_port || a.find("{port}") != std::string::npos;
    if (!has_port) o.target.fixed_port = port;
    o.target.start_timeout = std::chrono::seconds(start_s);
    o.time_limit = std::chrono::seconds(time_s);
    return o;
}

}  // namespace forkcheck
