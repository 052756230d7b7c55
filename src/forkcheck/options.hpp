// SPDX-License-Identifier: MIT
// forkcheck's command line.
#pragma once

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <variant>
#include <vector>

#include "cli/args.hpp"
#include "probe/target.hpp"

namespace forkcheck {

// forkcheck's exit statuses beyond cli's 0, 1 (an invariant failed) and 2.
inline constexpr int exit_setup = 3;  // the server could not be started

struct Options {
    probe::Target target;  // command, profile, reply, limit, port
    std::optional<std::uint64_t> seed;
    int max_success = 25;
    std::chrono::seconds time_limit{600};
    std::string reproduce;  // --reproduce: replay these minimal cases only
    bool faults = false;
    std::string junit;  // --junit FILE
    bool json = false;
    bool quiet = false;
    // The options as given, for a rerun line: each "--name value" or "--flag".
    std::vector<std::pair<std::string, std::string>> given;
};

std::variant<Options, cli::Stop> parse_options(int argc, const char *const argv[]);

// A word for a POSIX shell: as it is, or in single quotes.
std::string shell_word(const std::string &w);

}  // namespace forkcheck
