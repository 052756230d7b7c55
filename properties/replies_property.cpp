// Invariant 1: every complete message gets exactly one reply, in order, with
// the right content, for every client that stays; nothing else is sent; the
// server closes after the goodbye (and, after our half-close, once it has
// answered everything).
#include "conformance.hpp"

namespace props {

RC_GTEST_PROP(Conformance, Replies, ()) {
    const auto &t = target();
    const auto s = *gen::scenario(t, max_clients(), true);
    auto server = start_server();
    const Run run = play(s, t, server->port());
    for (std::size_t i = 0; i < s.clients.size(); ++i) {
        if (!s.clients[i].checks_replies()) continue;
        const Expected want = expected_replies(s.clients[i], t);
        const Observed &got = run.clients[i];
        if (got.replies != want.replies)
            violated("client " + std::to_string(i) + ": expected replies " +
                     show_lines(want.replies) + " but got " + show_lines(got.replies) +
                     (got.trouble.empty() ? "" : " (" + got.trouble + ")"));
        if (want.server_closes && !got.closed)
            violated("client " + std::to_string(i) +
                     ": the server did not close the connection after its last reply");
    }
}

}  // namespace props
