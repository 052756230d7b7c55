// Prints the fault matrix as the README's Markdown table.
#include <cstdio>

#include "faults/expectations.hpp"

int main() {
    std::fputs(faults::markdown_table().c_str(), stdout);
    return 0;
}
