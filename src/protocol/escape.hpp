// Makes client bytes safe to print in a log line.
#pragma once

#include <string>
#include <string_view>

namespace proto {

// Printable ASCII is kept; backslash, tab, CR, LF and every other byte are
// written as C escapes (\\, \t, \r, \n, \xNN).
std::string escape(std::string_view bytes);
// True when escape(bytes) == bytes: the log can then print them as they are.
bool is_plain(std::string_view bytes);

}  // namespace proto
