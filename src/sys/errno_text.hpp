// SPDX-License-Identifier: MIT
// An errno as the programs print it.
#pragma once

#include <string>

namespace sys {

// "EPIPE (Broken pipe)": the errno's name and its text.
std::string errno_text(int e);

// A call that failed and its errno, returned up to the program, which prints it.
struct CallError {
    const char *call;  // a string literal: "pipe", "sigaction SIGTERM"
    int error;
};

// "pipe failed: EMFILE (Too many open files)".
std::string describe(const CallError &e);

}  // namespace sys
