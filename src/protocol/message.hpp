// What a client sent, as the framer cut it, and the protocol's settings.
#pragma once

#include <cstddef>
#include <string>

namespace proto {

enum class Framing { line, raw };
enum class ReplyMode { hello, echo };

inline constexpr std::size_t default_max_message = 199;  // worksheet's MAXDATASIZE-1
inline constexpr int default_port = 3490;

struct Message {
    std::string bytes;      // without its line ending
    bool too_long = false;  // over the limit: bytes is empty, the rest discarded
    bool operator==(const Message &) const = default;
};

}  // namespace proto
