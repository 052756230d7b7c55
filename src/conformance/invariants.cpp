// SPDX-License-Identifier: MIT
#include "conformance/invariants.hpp"

#include <rapidcheck.h>

#include <memory>

#include "conformance/generators.hpp"
#include "protocol/escape.hpp"

namespace conformance {
namespace {

// The cases of an invariant that plays a generated scenario on a fresh server.
template <void (*check)(const probe::Target &, const Scenario &)>
rc::Gen<Case> scenarios(const probe::Target &t) {
    return rc::gen::map(gen::scenario(t, gen::max_clients, true), [&t](Scenario s) {
        const auto shared = std::make_shared<const Scenario>(std::move(s));
        return Case{[&t, shared] { check(t, *shared); },
                    [shared] { return rc::toString(*shared); }};
    });
}

rc::Gen<Case> many_connection_plans(const probe::Target &t) {
    return rc::gen::map(gen::connections(), [&t](Connections plan) {
        const auto shared = std::make_shared<const Connections>(std::move(plan));
        return Case{[&t, shared] { many_connections(t, *shared); },
                    [shared] { return rc::toString(*shared); }};
    });
}

}  // namespace

void showValue(const Case &c, std::ostream &os) { os << c.show(); }

const std::vector<Invariant> &invariants() {
    static const std::vector<Invariant> all = {
        {"replies", "every complete message gets exactly one reply, in order", scenarios<replies>},
        {"no-zombies", "every child that ends is reaped; none outlives its client",
         scenarios<no_zombies>},
        {"no-leaks", "the parent closes each connection; no child keeps the listener",
         scenarios<no_leaks>},
        {"liveness-and-isolation",
         "a new client is served while others stay; one client never changes another's replies",
         scenarios<liveness_and_isolation>},
        {"stateful-model", "any interleaving of clients' steps gets the replies the model owes",
         stateful_model, true},
        {"many-connections",
         "through hundreds of connections, some open together, no child or fd is left behind",
         many_connection_plans},
    };
    return all;
}

void violated(const std::string &why) {
    throw rc::detail::CaseResult(rc::detail::CaseResult::Type::Failure, why);
}

std::string show_lines(const std::vector<std::string> &lines) {
    std::string s = "[";
    for (const auto &l : lines) s += (s.size() > 1 ? ", \"" : "\"") + proto::escape(l) + "\"";
    return s + "]";
}

std::string profile_hint(const probe::Target &t, const std::vector<std::string> &want,
                         const std::vector<std::string> &got, bool quit_crlf) {
    if (t.profile != probe::Profile::reference) return {};
    for (std::size_t i = 0; i < want.size() && i < got.size(); ++i)
        if (want[i].starts_with("Goodbye, ") && (got[i] == "Hello, World!" || got[i] == "quit\r"))
            return quit_crlf ? "; the quit was sent as \"quit\\r\\n\": the server kept the CR "
                               "that belongs to the line ending"
                             : "; the server answers quit like any other message, as the "
                               "worksheet's program does: if that is what it is, check it with "
                               "the worksheet profile (--profile worksheet)";
    return {};
}

}  // namespace conformance
