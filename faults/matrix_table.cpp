// SPDX-License-Identifier: MIT
// Prints the fault matrix as docs/fault-injection.md's Markdown table.
#include <cstdio>

#include "faults/expectations.hpp"

int main() {
    std::fputs(faults::markdown_table().c_str(), stdout);
    return 0;
}
