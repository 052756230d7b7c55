// SPDX-License-Identifier: MIT
// Starting the built programs from end-to-end tests.
#pragma once

#include <string>
#include <utility>
#include <vector>

#include "fixtures/loopback.hpp"
#include "fixtures/test_main.hpp"
#include "fixtures/text.hpp"
#include "probe/process.hpp"
#include "probe/server_process.hpp"

namespace e2e {

// serverfork on a free loopback port, with extra options.
inline std::vector<std::string> serverfork_on_loopback(std::vector<std::string> options = {}) {
    return fixtures::serverfork_on_loopback(SERVERFORK_PATH, std::move(options));
}

inline probe::ServerProcess start_server(std::vector<std::string> options = {}) {
    return probe::ServerProcess(serverfork_on_loopback(std::move(options)));
}

// The program's path, then args. Built forwards, not by an insert at the
// front: GCC 12 with LTO warns (wrongly) of an overread in that insert.
inline std::vector<std::string> command(const char *program, std::vector<std::string> args) {
    std::vector<std::string> all{program};
    all.reserve(args.size() + 1);
    for (std::string &a : args) all.push_back(std::move(a));
    return all;
}

inline std::vector<std::string> serverfork(std::vector<std::string> args) {
    return command(SERVERFORK_PATH, std::move(args));
}

inline std::vector<std::string> msgclient(std::vector<std::string> args) {
    return command(MSGCLIENT_PATH, std::move(args));
}

using fixtures::count;

}  // namespace e2e
