// Starting the built programs from end-to-end tests.
#pragma once

#include <string>
#include <vector>

#include "fixtures/process.hpp"
#include "fixtures/server_process.hpp"
#include "fixtures/test_main.hpp"

namespace e2e {

// serverfork on a free loopback port, with extra options.
inline fixtures::ServerProcess start_server(std::vector<std::string> options = {}) {
    std::vector<std::string> argv{SERVERFORK_PATH, "--port", "0", "--bind", "127.0.0.1"};
    argv.insert(argv.end(), options.begin(), options.end());
    return fixtures::ServerProcess(std::move(argv));
}

inline std::vector<std::string> serverfork(std::vector<std::string> args) {
    args.insert(args.begin(), SERVERFORK_PATH);
    return args;
}

inline std::vector<std::string> msgclient(std::vector<std::string> args) {
    args.insert(args.begin(), MSGCLIENT_PATH);
    return args;
}

// Lines of text, counted.
inline std::size_t count(const std::string &text, const std::string &what) {
    std::size_t n = 0;
    for (auto at = text.find(what); at != std::string::npos; at = text.find(what, at + 1)) ++n;
    return n;
}

}  // namespace e2e
