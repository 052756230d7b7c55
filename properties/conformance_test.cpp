// SPDX-License-Identifier: MIT
// The conformance invariants as gtest properties (label properties), against
// serverfork or the server the environment names (fixtures/target_env.hpp).
// forkcheck runs the same invariants in-process.
#include <gtest/gtest.h>
#include <rapidcheck/gtest.h>

#include "conformance/invariants.hpp"
#include "fixtures/target_env.hpp"
#include "fixtures/test_main.hpp"

namespace {

const probe::Target &target() {
    static const probe::Target t = fixtures::target_from_env(SERVERFORK_PATH);
    return t;
}

// One case of the named invariant, drawn and shrunk by rapidcheck.
void one_case(std::string_view name) {
    for (const auto &inv : conformance::invariants())
        if (inv.name == name) return (*inv.cases(target())).run();
    RC_FAIL("no invariant " + std::string(name));
}

}  // namespace

RC_GTEST_PROP(Conformance, Replies, ()) { one_case("replies"); }

RC_GTEST_PROP(Conformance, NoZombies, ()) { one_case("no-zombies"); }

RC_GTEST_PROP(Conformance, NoLeaks, ()) { one_case("no-leaks"); }

RC_GTEST_PROP(Conformance, LivenessAndIsolation, ()) { one_case("liveness-and-isolation"); }

RC_GTEST_PROP(Conformance, ManyConnections, ()) { one_case("many-connections"); }

RC_GTEST_PROP(Conformance, StatefulModel, ()) {
    if (target().profile != probe::Profile::reference)
        GTEST_SKIP() << "the model is of the reference protocol";
    one_case("stateful-model");
}
