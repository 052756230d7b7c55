// SPDX-License-Identifier: MIT
// The server under test: the project's serverfork, or any implementation of
// the protocol, started from its command line (searched on PATH, never
// through a shell; "{port}" is replaced by a free port).
#pragma once

#include <chrono>
#include <cstddef>
#include <memory>
#include <string>
#include <vector>

#include "probe/server_process.hpp"
#include "protocol/message.hpp"

namespace probe {

enum class Profile {
    reference,  // this project's protocol: lines, goodbye, errors
    worksheet,  // the worksheet's program: one recv() one message, lockstep,
                // "Hello, World!" to everything, quit closes without goodbye
};

struct Target {
    std::vector<std::string> command;  // empty: the project's serverfork
    std::string serverfork_path;       // used when command is empty
    proto::ReplyMode reply = proto::ReplyMode::hello;
    std::size_t max_message = proto::default_max_message;
    Profile profile = Profile::reference;
    int fixed_port = 0;  // non-zero when the command has no "{port}"
    std::chrono::milliseconds start_timeout = std::chrono::seconds(10);  // until it listens

    bool is_own_server() const { return command.empty(); }
    std::string describe() const;  // for failure messages
};

// Starts the target and waits until it listens. own_server_args are extra
// options for the project's serverfork (ignored for a foreign server). A
// foreign server is given a free port, tried up to attempts times: another
// program may take it first.
std::unique_ptr<ServerProcess> start_target(const Target &t,
                                            const std::vector<std::string> &own_server_args = {},
                                            int attempts = 3);

// The project's serverfork at t.serverfork_path on loopback, port a number or "{port}", with
// the target's reply mode and message limit.
std::vector<std::string> serverfork_argv(const Target &t, const std::string &port);

// A loopback port that was free a moment ago.
int free_port();

}  // namespace probe
