// SPDX-License-Identifier: MIT
#include "protocol/escape.hpp"

#include <algorithm>

namespace proto {
namespace {

// Appends the escape of one byte; false (and nothing appended) if it would
// take out past limit characters.
bool append_escaped(std::string &out, char ch, std::size_t limit) {
    static constexpr char hex[] = "0123456789abcdef";
    const auto c = static_cast<unsigned char>(ch);
    char e[4];
    std::size_t n = 2;
    e[0] = '\\';
    switch (c) {
    case '\\': e[1] = '\\'; break;
    case '\t': e[1] = 't'; break;
    case '\r': e[1] = 'r'; break;
    case '\n': e[1] = 'n'; break;
    default:
        if (c >= 0x20 && c < 0x7f) {
            e[0] = ch;
            n = 1;
        } else {
            e[1] = 'x';
            e[2] = hex[c >> 4];
            e[3] = hex[c & 0xf];
            n = 4;
        }
    }
    if (out.size() + n > limit) return false;
    out.append(e, n);
    return true;
}

}  // namespace

std::string escape(std::string_view bytes) { return escape_prefix(bytes, std::string::npos); }

std::string escape_prefix(std::string_view bytes, std::size_t limit, std::size_t *taken) {
    std::string out;
    out.reserve(std::min(bytes.size(), limit));
    std::size_t n = 0;
    while (n < bytes.size() && append_escaped(out, bytes[n], limit)) ++n;
    if (taken != nullptr) *taken = n;
    return out;
}

bool is_plain(std::string_view bytes) {
    return std::ranges::all_of(bytes, [](char ch) {
        const auto c = static_cast<unsigned char>(ch);
        return c >= 0x20 && c < 0x7f && c != '\\';
    });
}

}  // namespace proto
