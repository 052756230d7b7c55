// SPDX-License-Identifier: MIT
// The framer's messages, kept: it gives views that are valid until its next
// call, and a test collects them.
#pragma once

#include <optional>
#include <ostream>
#include <string>
#include <string_view>
#include <vector>

#include "protocol/escape.hpp"
#include "protocol/line_framer.hpp"

namespace kept {

struct Message {
    std::string bytes;
    bool too_long = false;
    bool operator==(const Message &) const = default;
    proto::Message view() const { return {bytes, too_long}; }
};

inline Message of(const proto::Message &m) { return {std::string(m.bytes), m.too_long}; }

// Appends each message completed by data to out, in order.
inline void feed(proto::LineFramer &f, std::string_view data, std::vector<Message> &out) {
    while (const auto m = f.next(data)) out.push_back(of(*m));
}

inline std::optional<Message> finish(proto::LineFramer &f) {
    if (const auto m = f.finish()) return of(*m);
    return std::nullopt;
}

inline void PrintTo(const Message &m, std::ostream *os) {
    *os << (m.too_long ? "too_long" : "\"" + proto::escape(m.bytes) + "\"");
}

}  // namespace kept
