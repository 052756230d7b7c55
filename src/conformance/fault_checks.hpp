// SPDX-License-Identifier: MIT
// The fault checks of `forkcheck --faults`: the unmodified server under
// libfiu's POSIX preload (fiu-run -x), with faults a real kernel can cause in
// accept, fork, recv and send. Each says, on failure, what was injected,
// what was expected and what happened.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "conformance/runner.hpp"
#include "probe/target.hpp"

namespace conformance {

struct FaultCheck {
    std::string_view name;                      // "SurvivesForkFailures"
    std::string (*run)(const probe::Target &);  // "" if it held, else why not
};

const std::vector<FaultCheck> &fault_checks();

// Its verdict, named "faults: NAME".
Verdict run_fault_check(const FaultCheck &check, const probe::Target &t);

}  // namespace conformance
