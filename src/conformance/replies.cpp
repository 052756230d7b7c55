// SPDX-License-Identifier: MIT
// Every complete message gets exactly one reply, in order, with the right
// content, for every client that stays; nothing else is sent; the server
// closes after the goodbye (and, after our half-close, once it has answered
// everything).
#include "conformance/driver.hpp"
#include "conformance/invariants.hpp"
#include "conformance/model.hpp"
#include "conformance/wording.hpp"

namespace conformance {

void replies(const probe::Target &t, const Scenario &s) {
    auto server = probe::start_target(t);
    const Run run = play(s, t, server->port());
    for (std::size_t i = 0; i < s.clients.size(); ++i) {
        if (!s.clients[i].checks_replies()) continue;
        const Expected want = expected_replies(s.clients[i], t);
        const Observed &got = run.clients[i];
        if (got.replies != want.replies)
            violated(wording::replies_differ(i, want.replies, got) +
                     profile_hint(t, want.replies, got.replies, quit_crlf(s.clients[i])));
        if (want.server_closes && !got.closed)
            violated(wording::no_close_after_replies(
                i, !s.clients[i].messages.empty() && s.clients[i].messages.back().bytes == "quit"));
    }
}

}  // namespace conformance
