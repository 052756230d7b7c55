// SPDX-License-Identifier: MIT
#include "probe/server_process.hpp"

#include <sys/wait.h>

#include <algorithm>
#include <cstring>
#include <regex>
#include <stdexcept>

#include "probe/poll_until.hpp"

namespace probe {

namespace {

// "exited with status 1", "was killed by signal 11"
std::string how_it_ended(int status) {
    if (WIFEXITED(status)) return "exited with status " + std::to_string(WEXITSTATUS(status));
    if (WIFSIGNALED(status))
        return std::string("was killed by signal ") + std::to_string(WTERMSIG(status)) + " (" +
               sigabbrev_np(WTERMSIG(status)) + ")";
    return "ended";
}

std::string seconds(std::chrono::milliseconds limit) {
    const auto ms = limit.count();
    return ms % 1000 == 0 ? std::to_string(ms / 1000) + " s" : std::to_string(ms) + " ms";
}

}  // namespace

ServerProcess::ServerProcess(std::vector<std::string> argv, std::chrono::milliseconds limit)
    : proc_(std::move(argv)) {
    static const std::regex listening(R"(Server: listening on .*:(\d+)\n)");
    std::smatch m;
    poll_until(
        [&] {
            const std::string out = proc_.out();
            if (std::regex_search(out, m, listening)) {
                port_ = std::stoi(m[1]);
                return true;
            }
            return !proc_.running();
        },
        limit);
    if (port_ != 0) return;
    if (const auto st = proc_.wait(std::chrono::milliseconds(0)))
        throw StartError("the server " + how_it_ended(*st) + " before it listened", proc_.err());
    throw StartError("the server printed no listening line within " + seconds(limit), proc_.err(),
                     true);
}

ServerProcess::ServerProcess(std::vector<std::string> argv, int port,
                             std::chrono::milliseconds limit)
    : proc_(std::move(argv)), port_(port) {
    const bool ready = poll_until([&] { return listening_on(port) || !proc_.running(); }, limit);
    if (ready && proc_.running()) return;
    if (const auto st = proc_.wait(std::chrono::milliseconds(0)))
        throw StartError("the server " + how_it_ended(*st) + " before it listened on port " +
                             std::to_string(port),
                         proc_.err());
    throw StartError(
        "the server did not listen on port " + std::to_string(port) + " within " + seconds(limit),
        proc_.err(), true);
}

bool ServerProcess::childless_within(std::chrono::milliseconds limit, bool zombies) const {
    using clock = std::chrono::steady_clock;
    const auto never = clock::time_point::max();
    auto since = never;  // when it was last seen childless, continuously
    return poll_until(
        [&] {
            const auto kids = children();
            const bool any = std::any_of(kids.begin(), kids.end(), [&](const ProcStat &k) {
                return zombies || k.state != 'Z';
            });
            if (accept_backlog(port_) > 0 || any) {
                since = never;
                return false;
            }
            if (since == never) since = clock::now();
            return clock::now() - since >= std::chrono::milliseconds(100);
        },
        limit);
}

bool ServerProcess::out_contains(const std::string &text, std::chrono::milliseconds limit) const {
    return poll_until([&] { return out().find(text) != std::string::npos; }, limit);
}

bool ServerProcess::err_contains(const std::string &text, std::chrono::milliseconds limit) const {
    return poll_until([&] { return err().find(text) != std::string::npos; }, limit);
}

}  // namespace probe
