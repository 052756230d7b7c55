// SPDX-License-Identifier: MIT
// Cuts a byte stream into messages: lines ending in "\n", one "\r" before it
// removed. Holds at most max+1 bytes whatever the input.
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>

#include "protocol/message.hpp"

namespace proto {

class LineFramer {
public:
    explicit LineFramer(std::size_t max_message);

    // Consumes data up to the first message it completes and returns it, or
    // nothing once data is used. A line over the limit gives one too_long
    // message as soon as that is known. The message views data or the
    // framer's buffer: it is valid until the next call.
    std::optional<Message> next(std::string_view &data);
    // End of input: a non-empty unterminated last line is a message.
    std::optional<Message> finish();

    std::size_t buffered() const { return buf_.size(); }
    std::size_t capacity_bound() const { return max_ + 1; }

private:
    // A line without its "\n": one "\r" before it dropped, then too long if
    // over max.
    Message message_of(std::string_view line) const;
    // The buffered line as a message; the buffer is emptied at the next call,
    // as the message views it.
    Message end_line();
    void forget_given_line();

    std::size_t max_;
    std::string buf_;
    bool discarding_ = false;  // inside a too-long line, until its "\n"
    bool given_ = false;       // buf_ is a line given out by end_line()
};

// --framing raw: one recv() is one message; a trailing "\r\n" or "\n" is
// dropped (the worksheet's client sends none, telnet sends "\r\n").
Message raw_message(std::string_view chunk);

}  // namespace proto
