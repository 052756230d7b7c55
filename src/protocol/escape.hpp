// SPDX-License-Identifier: MIT
// Makes client bytes safe to print in a log line.
#pragma once

#include <string>
#include <string_view>

namespace proto {

// Printable ASCII is kept; backslash, tab, CR, LF and every other byte are
// written as C escapes (\\, \t, \r, \n, \xNN).
std::string escape(std::string_view bytes);
// The escapes of the longest prefix of bytes that fits in limit characters
// (an escape is never cut in two); *taken, if given, is that prefix's length.
std::string escape_prefix(std::string_view bytes, std::size_t limit, std::size_t *taken = nullptr);
// True when escape(bytes) == bytes: the log can then print them as they are.
bool is_plain(std::string_view bytes);

}  // namespace proto
