// SPDX-License-Identifier: MIT
// The fault checks of `forkcheck --faults` as gtest tests (label faults),
// against serverfork or the server the environment names
// (fixtures/target_env.hpp).
#include <gtest/gtest.h>

#include "conformance/fault_checks.hpp"
#include "fixtures/target_env.hpp"
#include "fixtures/test_main.hpp"

namespace {

class FaultConformance : public ::testing::TestWithParam<conformance::FaultCheck> {};

TEST_P(FaultConformance, Holds) {
    const auto v =
        conformance::run_fault_check(GetParam(), fixtures::target_from_env(SERVERFORK_PATH));
    EXPECT_EQ(v.kind, conformance::Verdict::Kind::pass) << v.reason;
}

INSTANTIATE_TEST_SUITE_P(Checks, FaultConformance, ::testing::ValuesIn(conformance::fault_checks()),
                         [](const auto &info) { return std::string(info.param.name); });

}  // namespace
