// SPDX-License-Identifier: MIT
#include "cli/args.hpp"

#include <charconv>

namespace cli {

std::optional<long> parse_number(std::string_view s, long lo, long hi) {
    long v = 0;
    const auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
    if (s.empty() || ec != std::errc() || end != s.data() + s.size() || v < lo || v > hi)
        return std::nullopt;
    return v;
}

}  // namespace cli
