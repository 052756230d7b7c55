// SPDX-License-Identifier: MIT
#include "protocol/line_framer.hpp"

#include <algorithm>

namespace proto {

LineFramer::LineFramer(std::size_t max_message) : max_(max_message) {}

Message LineFramer::message_of(std::string_view line) const {
    if (line.ends_with('\r')) line.remove_suffix(1);
    return line.size() > max_ ? Message{{}, true} : Message{line, false};
}

Message LineFramer::end_line() {
    given_ = true;
    return message_of(buf_);
}

void LineFramer::forget_given_line() {
    if (!given_) return;
    buf_.clear();
    given_ = false;
}

std::optional<Message> LineFramer::next(std::string_view &data) {
    forget_given_line();
    while (!data.empty()) {
        const auto nl = data.find('\n');
        const bool complete = nl != std::string_view::npos;
        const std::string_view piece = data.substr(0, complete ? nl : data.size());
        data.remove_prefix(complete ? nl + 1 : data.size());

        // A whole line in one piece, as a lockstep client sends: a view of
        // it, not a copy through buf_.
        if (complete && buf_.empty() && !discarding_) return message_of(piece);
        if (discarding_) {
            discarding_ = !complete;
            continue;
        }
        // max+1 bytes may still be a line of max bytes plus its "\r".
        const std::size_t room = max_ + 1 - buf_.size();
        if (piece.size() > room) {
            buf_.clear();
            discarding_ = !complete;
            return Message{{}, true};
        }
        buf_.append(piece);
        if (complete) return end_line();
        if (buf_.size() == max_ + 1 && buf_.back() != '\r') {
            buf_.clear();
            discarding_ = true;
            return Message{{}, true};
        }
    }
    return std::nullopt;
}

std::optional<Message> LineFramer::finish() {
    forget_given_line();
    if (discarding_) {
        discarding_ = false;
        return std::nullopt;
    }
    if (buf_.empty()) return std::nullopt;
    return end_line();
}

Message raw_message(std::string_view chunk) {
    if (chunk.ends_with('\n')) {
        chunk.remove_suffix(1);
        if (chunk.ends_with('\r')) chunk.remove_suffix(1);
    }
    return {chunk, false};
}

}  // namespace proto
