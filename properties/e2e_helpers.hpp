// Starting the built programs from end-to-end tests.
#pragma once

#include <string>
#include <utility>
#include <vector>

#include "fixtures/test_main.hpp"
#include "probe/process.hpp"
#include "probe/server_process.hpp"

namespace e2e {

// serverfork on a free loopback port, with extra options.
inline probe::ServerProcess start_server(std::vector<std::string> options = {}) {
    std::vector<std::string> argv{SERVERFORK_PATH, "--port", "0", "--bind", "127.0.0.1"};
    argv.insert(argv.end(), options.begin(), options.end());
    return probe::ServerProcess(std::move(argv));
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

// Lines of text, counted.
inline std::size_t count(const std::string &text, const std::string &what) {
    std::size_t n = 0;
    for (auto at = text.find(what); at != std::string::npos; at = text.find(what, at + 1)) ++n;
    return n;
}

}  // namespace e2e
