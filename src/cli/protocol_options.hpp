// SPDX-License-Identifier: MIT
// The protocol's settings as the programs' command lines spell them.
#pragma once

#include <initializer_list>
#include <string_view>
#include <utility>

#include "protocol/message.hpp"

namespace cli {

// --framing's words.
inline const std::initializer_list<std::pair<std::string_view, proto::Framing>> framings = {
    {"line", proto::Framing::line}, {"raw", proto::Framing::raw}};
// --reply's words.
inline const std::initializer_list<std::pair<std::string_view, proto::ReplyMode>> reply_modes = {
    {"hello", proto::ReplyMode::hello}, {"echo", proto::ReplyMode::echo}};

// --port's default: the worksheet's MYPORT.
inline constexpr int default_port = 3490;

}  // namespace cli
