// SPDX-License-Identifier: MIT
// main for the rapidcheck suites: default case counts that keep the whole
// ctest run short, unless RC_PARAMS says otherwise (a seed, a reproduce
// string, a deeper run).
#include <gtest/gtest.h>

#include <cstdlib>

#ifndef FORKCHECK_RC_DEFAULTS
#define FORKCHECK_RC_DEFAULTS "max_success=25"
#endif

int main(int argc, char **argv) {
    // rapidcheck reads RC_PARAMS once, when the first property runs.
    setenv("RC_PARAMS", FORKCHECK_RC_DEFAULTS, 0);
    ::testing::InitGoogleTest(&argc, argv);
    return RUN_ALL_TESTS();
}
