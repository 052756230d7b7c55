// SPDX-License-Identifier: MIT
// An errno as the programs print it.
#pragma once

#include <string>

namespace sys {

// "EPIPE (Broken pipe)": the errno's name and its text.
std::string errno_text(int e);

}  // namespace sys
