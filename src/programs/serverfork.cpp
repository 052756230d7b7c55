// SPDX-License-Identifier: MIT
// serverfork: the worksheet's forking message server, done right.
#include <cstdio>
#include <variant>

#include "server/listener.hpp"
#include "server/log.hpp"
#include "server/options.hpp"
#include "server/parent.hpp"
#include "server/proctitle.hpp"
#include "server/signals.hpp"
#include "sys/errno_text.hpp"
#include "sys/fault.hpp"

int main(int argc, char **argv) {  // NOLINT(bugprone-exception-escape): bad_alloc may end it
    server::log::set_program("serverfork");
    server::proctitle::init(argc, argv);
    sys::fault_init();
    auto parsed = server::parse_options(argc, argv);
    if (auto *stop = std::get_if<cli::Stop>(&parsed)) {
        std::fputs(stop->text.c_str(), stop->exit_code == cli::exit_ok ? stdout : stderr);
        return stop->exit_code;
    }
    const auto &options = std::get<server::Options>(parsed);

    server::signals::Setup signals{};
    if (const auto failure = server::signals::install(signals)) {
        server::log::error(sys::describe(*failure));
        return cli::exit_failure;
    }
    auto opened = server::open_listener(options);
    if (auto *error = std::get_if<std::string>(&opened)) {
        server::log::error(*error);
        return cli::exit_failure;
    }
    auto &listener = std::get<server::Listener>(opened);
    const std::string where = listener.endpoint;
    // Scripts parse this first line up to the port's end: the backlog comes next.
    server::log::event("Server: listening on " + where);
    server::log::event(
        "Server: backlog " + std::to_string(listener.backlog) +
        (options.backlog > listener.backlog
             ? " (--backlog " + std::to_string(options.backlog) + " is over net.core.somaxconn)"
             : ""));
    server::proctitle::set("serverfork: listening on " + where);
    return server::Parent(options, std::move(listener), signals).run();
}
