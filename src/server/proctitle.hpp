// SPDX-License-Identifier: MIT
// Rewrites what ps shows for this process, so that `ps -f` tells the
// listening parent from each child and whom that child serves.
#pragma once

#include <string_view>

namespace server::proctitle {

// Call first in main: moves the environment away so the whole argv+environ
// block can hold a title. argv's strings must be copied before set().
void init(int argc, char **argv);
void set(std::string_view title);

}  // namespace server::proctitle
