// SPDX-License-Identifier: MIT
// What a client sent, as the framer cut it, and the protocol's settings.
#pragma once

#include <cstddef>
#include <string_view>

namespace proto {

enum class Framing { line, raw };
enum class ReplyMode { hello, echo };

inline constexpr std::size_t default_max_message = 199;  // worksheet's MAXDATASIZE-1

// A view, not a copy, so a message costs no allocation: of the bytes given to the framer or of its
// buffer, valid until the framer is used again. Copy the bytes to keep them.
struct Message {
    std::string_view bytes;  // without its line ending
    bool too_long = false;   // over the limit: bytes is empty, the rest discarded
    bool operator==(const Message &) const = default;
};

}  // namespace proto
