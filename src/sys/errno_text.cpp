// SPDX-License-Identifier: MIT
#include "sys/errno_text.hpp"

#include <cstring>

namespace sys {

std::string errno_text(int e) {
    const char *name = strerrordesc_np(e) ? strerrorname_np(e) : nullptr;
    return std::string(name ? name : "E?") + " (" + std::strerror(e) + ")";
}

std::string describe(const CallError &e) {
    return std::string(e.call) + " failed: " + errno_text(e.error);
}

}  // namespace sys
