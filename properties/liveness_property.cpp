// Invariant 4: while one client stays connected and others come and go, a
// fresh client is served at once, and one client's early disconnect or reset
// never changes another client's replies.
#include <chrono>

#include "conformance.hpp"
#include "fixtures/poll_until.hpp"
#include "fixtures/test_client.hpp"

namespace props {

RC_GTEST_PROP(Conformance, LivenessAndIsolation, ()) {
    const auto &t = target();
    const auto s = *gen::scenario(t, max_clients(), true);
    auto server = start_server();

    // A client that stays connected through the case, as in the worksheet's
    // "several windows" experiment.
    fixtures::TestClient stays(server->port());
    const bool worksheet = t.profile == fixtures::Profile::worksheet;
    RC_ASSERT(stays.send(worksheet ? "here" : "here\n"));
    RC_ASSERT(stays.read_line(std::chrono::seconds(5)).has_value());

    const Run run = play(s, t, server->port());
    for (std::size_t i = 0; i < s.clients.size(); ++i) {
        if (!s.clients[i].checks_replies()) continue;
        const auto want = expected_replies(s.clients[i], t).replies;
        if (run.clients[i].replies != want)
            violated("client " + std::to_string(i) + ": expected replies " + show_lines(want) +
                     " but got " + show_lines(run.clients[i].replies) + " beside the others");
    }
    // Let the children of the clients that left exit, so that the parent has
    // had a SIGCHLD while another child is alive, then ask for service.
    fixtures::poll_until(
        [&] {
            int live = 0;
            for (const auto &k : server->children()) live += k.state != 'Z';
            return live <= 1;
        },
        std::chrono::seconds(5));
    const std::string trouble = fresh_client_trouble(t, server->port(), 3000);
    if (!trouble.empty()) violated(trouble + ", while another client stayed connected");
    RC_ASSERT(stays.send(worksheet ? "still here" : "still here\n"));
    if (!stays.read_line(std::chrono::seconds(5)))
        violated("the client that stayed connected was no longer served");
}

}  // namespace props
