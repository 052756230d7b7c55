// SPDX-License-Identifier: MIT
#include "faults/harness.hpp"

#include "probe/poll_until.hpp"
#include "probe/proc_scan.hpp"

namespace faults {

::testing::AssertionResult server_recovered(probe::ServerProcess &server, int fd_baseline) {
    if (!server.process().running())
        return ::testing::AssertionFailure() << "the server exited; stderr:\n" << server.err();
    if (!server.childless_within(std::chrono::seconds(10))) {
        std::string kids;
        for (const auto &k : server.children())
            kids += " " + std::to_string(k.pid) + "(" + k.state + ")";
        return ::testing::AssertionFailure() << "children left after every client went:" << kids;
    }
    int fds = -1;
    if (!probe::poll_until(
            [&] { return (fds = probe::open_fd_count(server.pid())) == fd_baseline; }))
        return ::testing::AssertionFailure()
               << "parent holds " << fds << " fds, " << fd_baseline << " at start: a leak";
    return ::testing::AssertionSuccess();
}

::testing::AssertionResult fired(const FaultState &state, const Schedule &s, std::size_t i,
                                 std::chrono::milliseconds limit) {
    if (probe::poll_until([&] { return state.fired(i) > 0; }, limit))
        return ::testing::AssertionSuccess();
    return ::testing::AssertionFailure()
           << "the fault never fired (" << s[i].describe() << "; " << state.calls(i) << " calls of "
           << s[i].point << " seen): this run tested nothing";
}

}  // namespace faults
