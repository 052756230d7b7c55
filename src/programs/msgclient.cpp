// SPDX-License-Identifier: MIT
// msgclient: sends lines to a message server and prints its replies.
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <variant>

#include "client/connect.hpp"
#include "client/options.hpp"
#include "client/session.hpp"
#include "sys/fault.hpp"

int main(int argc, char **argv) {  // NOLINT(bugprone-exception-escape): bad_alloc may end it
    sys::fault_init();
    auto parsed = client::parse_options(argc, argv);
    if (auto *stop = std::get_if<cli::Stop>(&parsed)) {
        std::fputs(stop->text.c_str(), stop->exit_code == cli::exit_ok ? stdout : stderr);
        return stop->exit_code;
    }
    const auto &o = std::get<client::Options>(parsed);
    auto connected =
        client::connect_to(o.host, o.port, net::Deadline::in(std::chrono::seconds(o.timeout_s)));
    if (auto *error = std::get_if<std::string>(&connected)) {
        std::fprintf(stderr, "msgclient: %s\n", error->c_str());
        return cli::exit_failure;
    }
    const auto &sock = std::get<sys::OwnFd>(connected);
    client::SessionConfig config;
    config.framing = o.framing;
    config.timeout_s = o.timeout_s;
    config.prompt = isatty(STDIN_FILENO) == 1;
    config.escape = !o.raw && isatty(STDOUT_FILENO) == 1;
    config.server = o.host + ":" + std::to_string(o.port);
    if (auto error = client::run_session(sock.get(), STDIN_FILENO, stdout, config)) {
        std::fprintf(stderr, "msgclient: %s\n", error->c_str());
        return cli::exit_failure;
    }
    return cli::exit_ok;
}
