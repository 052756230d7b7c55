// SPDX-License-Identifier: MIT
// While one client stays connected and others come and go, a fresh client is
// served at once, and one client's early disconnect or reset never changes
// another client's replies.
#include <chrono>

#include "conformance/driver.hpp"
#include "conformance/invariants.hpp"
#include "conformance/model.hpp"
#include "conformance/wording.hpp"
#include "probe/poll_until.hpp"
#include "probe/test_client.hpp"

namespace conformance {

void liveness_and_isolation(const probe::Target &t, const Scenario &s) {
    auto server = probe::start_target(t);

    // A client that stays connected through the case, as in the worksheet's
    // "several windows" experiment.
    probe::TestClient stays(server->port());
    const bool worksheet = t.profile == probe::Profile::worksheet;
    std::string held;
    if (!stays.send(worksheet ? "here" : "here\n") || !await_line(stays, server->port(), held))
        violated(wording::first_client_unserved("here", why_not_awaited(stays, held)));

    const Run run = play(s, t, server->port());
    for (std::size_t i = 0; i < s.clients.size(); ++i) {
        if (!s.clients[i].checks_replies()) continue;
        const auto want = expected_replies(s.clients[i], t).replies;
        const auto &got = run.clients[i];
        if (got.replies != want)
            violated(wording::while_another_stayed(wording::replies_differ(i, want, got, true)) +
                     profile_hint(t, want, got.replies, quit_crlf(s.clients[i])));
    }
    // Let the children of the clients that left exit, so that the parent has
    // had a SIGCHLD while another child is alive, then ask for service.
    probe::poll_until(
        [&] {
            int live = 0;
            for (const auto &k : server->children()) live += k.state != 'Z';
            return live <= 1;
        },
        std::chrono::seconds(5));
    const std::string trouble = fresh_client_trouble(t, *server, std::chrono::seconds(3));
    if (!trouble.empty()) violated(wording::while_another_stayed(trouble));
    if (!stays.send(worksheet ? "still here" : "still here\n") ||
        !await_line(stays, server->port(), held))
        violated(wording::stayer_unserved("still here", why_not_awaited(stays, held)));
}

}  // namespace conformance
