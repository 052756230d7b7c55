// Shared by the conformance properties: the server under test, started once
// per case, and how a failure is reported.
#pragma once

#include <gtest/gtest.h>
#include <rapidcheck/gtest.h>

#include <memory>
#include <string>

#include "driver.hpp"
#include "fixtures/target.hpp"
#include "fixtures/test_main.hpp"
#include "generators.hpp"
#include "model.hpp"
#include "protocol/escape.hpp"

namespace props {

// From the environment (see fixtures/target.hpp); our serverfork if unset.
inline const fixtures::Target &target() {
    static const fixtures::Target t = fixtures::target_from_env(SERVERFORK_PATH);
    return t;
}

inline std::unique_ptr<fixtures::ServerProcess> start_server() {
    return fixtures::start_target(target());
}

// "client 2: expected [...] but got [...]" for a failure message.
inline std::string show_lines(const std::vector<std::string> &lines) {
    std::string s = "[";
    for (const auto &l : lines) s += (s.size() > 1 ? ", \"" : "\"") + proto::escape(l) + "\"";
    return s + "]";
}

// Fails the case with a readable reason (the front end shows it).
[[noreturn]] inline void violated(const std::string &why) {
    RC_FAIL(why);
    throw;  // not reached: RC_FAIL throws
}

// The clients a case may have: the worksheet profile is lockstep per client.
inline int max_clients() { return 4; }

}  // namespace props
