// SPDX-License-Identifier: MIT
// Shared steps of the fault tests: serverfork and msgclient started under a
// fault schedule, and the invariants every run must keep.
#pragma once

#include <gtest/gtest.h>

#include <chrono>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "fixtures/loopback.hpp"
#include "inject/schedule.hpp"
#include "probe/process.hpp"
#include "probe/server_process.hpp"

namespace faults {

inline std::vector<std::string> serverfork_args(std::vector<std::string> extra = {}) {
    return fixtures::serverfork_on_loopback(SERVERFORK_PATH, std::move(extra));
}

inline std::vector<std::string> msgclient_args(int port, std::vector<std::string> extra = {}) {
    std::vector<std::string> argv{MSGCLIENT_PATH, "--port", std::to_string(port)};
    argv.insert(argv.end(), extra.begin(), extra.end());
    argv.push_back("127.0.0.1");
    return argv;
}

// serverfork under a schedule; throws if it does not listen.
inline std::unique_ptr<probe::ServerProcess> start_server(const Schedule &s,
                                                          const FaultState &state,
                                                          std::vector<std::string> extra = {}) {
    return std::make_unique<probe::ServerProcess>(
        under_schedule(serverfork_args(std::move(extra)), s, state));
}

// Waits until the state file shows entry i fired; a message if it did not.
::testing::AssertionResult fired(const FaultState &state, const Schedule &s, std::size_t i = 0,
                                 std::chrono::milliseconds limit = std::chrono::seconds(10));

// The invariants after a run, once every client is gone: the parent is alive,
// has no child left (no zombie) and holds as many fds as at fd_baseline.
::testing::AssertionResult server_recovered(probe::ServerProcess &server, int fd_baseline);

}  // namespace faults
