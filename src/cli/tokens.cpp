// SPDX-License-Identifier: MIT
#include "cli/tokens.hpp"

#include <algorithm>

namespace cli {

Stop bad_value(std::string_view prog, std::string_view name, std::string_view what,
               std::string_view value) {
    return {exit_usage,
            error_line(prog, "--" + std::string(name) + " must be " + std::string(what) +
                                 ", not '" + std::string(value) + "'")};
}

std::optional<Stop> no_operands(std::string_view prog, const Tokens &t) {
    if (t.operands.empty()) return std::nullopt;
    return Stop{exit_usage,
                error_line(prog, "unexpected argument '" + t.operands.front() + "' (try --help)")};
}

std::variant<Tokens, Stop> tokenize(std::string_view prog, int argc, const char *const argv[],
                                    std::initializer_list<std::string_view> with_value,
                                    std::initializer_list<std::string_view> flags) {
    Tokens t;
    bool options_done = false;
    for (int i = 1; i < argc; ++i) {
        const std::string_view arg = argv[i];
        if (options_done || arg == "-" || !arg.starts_with('-')) {
            t.operands.emplace_back(arg);
            continue;
        }
        if (arg == "--") {
            options_done = true;
            continue;
        }
        if (arg == "--version")
            return Stop{exit_ok, std::string(prog) + " " + FORKCHECK_VERSION + "\n"};
        if (arg == "--help" || arg == "-h") {
            t.help = true;
            continue;
        }
        if (!arg.starts_with("--"))
            return Stop{exit_usage,
                        error_line(prog, "unknown option '" + std::string(arg) + "' (try --help)")};
        const auto eq = arg.find('=');
        const std::string name(
            arg.substr(2, eq == std::string_view::npos ? std::string_view::npos : eq - 2));
        if (std::find(flags.begin(), flags.end(), name) != flags.end()) {
            if (eq != std::string_view::npos)
                return Stop{exit_usage, error_line(prog, "option '--" + name + "' takes no value")};
            t.flags.push_back(name);
            continue;
        }
        if (std::find(with_value.begin(), with_value.end(), name) == with_value.end())
            return Stop{exit_usage,
                        error_line(prog, "unknown option '--" + name + "' (try --help)")};
        if (eq != std::string_view::npos) {
            t.options.emplace_back(name, arg.substr(eq + 1));
        } else if (i + 1 < argc) {
            t.options.emplace_back(name, argv[++i]);
        } else {
            return Stop{exit_usage, error_line(prog, "option '--" + name + "' needs a value")};
        }
    }
    return t;
}

}  // namespace cli
