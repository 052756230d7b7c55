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

}  // namespace

RC_GTEST_PROP(Conformance, Replies, ()) { conformance::replies(target()); }

RC_GTEST_PROP(Conformance, NoZombies, ()) { conformance::no_zombies(target()); }

RC_GTEST_PROP(Conformance, NoLeaks, ()) { conformance::no_leaks(target()); }

RC_GTEST_PROP(Conformance, LivenessAndIsolation, ()) {
    conformance::liveness_and_isolation(target());
}

RC_GTEST_PROP(Conformance, ManyConnections, ()) { conformance::many_connections(target()); }

RC_GTEST_PROP(Conformance, StatefulModel, ()) {
    if (target().profile != probe::Profile::reference)
        GTEST_SKIP() << "the model is of the reference protocol";
    conformance::stateful_model(target());
}
