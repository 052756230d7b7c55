// SPDX-License-Identifier: MIT
// Pieces shared by both programs' command lines.
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace cli {

inline constexpr int exit_ok = 0;
inline constexpr int exit_failure = 1;  // run-time failure
inline constexpr int exit_usage = 2;    // bad command line

// The outcome of parsing when the program should not run: --help (exit 0,
// text for stdout) or a usage error (exit 2, one line for stderr).
struct Stop {
    int exit_code;
    std::string text;
};

// A whole decimal number in [lo, hi], or nothing.
std::optional<long> parse_number(std::string_view s, long lo, long hi);

// "prog: " + msg, as one line for stderr.
inline std::string error_line(std::string_view prog, std::string_view msg) {
    return std::string(prog) + ": " + std::string(msg) + "\n";
}

}  // namespace cli
