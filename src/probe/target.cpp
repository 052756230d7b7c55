// SPDX-License-Identifier: MIT
#include "probe/target.hpp"

#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <stdexcept>

namespace probe {

std::string Target::describe() const {
    std::string s;
    for (const auto &a : command.empty() ? std::vector<std::string>{serverfork_path} : command)
        s += (s.empty() ? "" : " ") + a;
    return s;
}

std::vector<std::string> serverfork_argv(const Target &t, const std::string &port) {
    std::vector<std::string> argv{t.serverfork_path, "--port", port, "--bind", "127.0.0.1"};
    if (t.reply == proto::ReplyMode::echo) argv.insert(argv.end(), {"--reply", "echo"});
    if (t.max_message != proto::default_max_message)
        argv.insert(argv.end(), {"--max-message", std::to_string(t.max_message)});
    return argv;
}

int free_port() {
    const int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    sockaddr_in a{};
    a.sin_family = AF_INET;
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    socklen_t len = sizeof a;
    int port = 0;
    if (bind(fd, reinterpret_cast<sockaddr *>(&a), len) == 0 &&
        getsockname(fd, reinterpret_cast<sockaddr *>(&a), &len) == 0)
        port = ntohs(a.sin_port);
    close(fd);
    if (port == 0) throw std::runtime_error("no free loopback port");
    return port;
}

std::unique_ptr<ServerProcess> start_target(const Target &t,
                                            const std::vector<std::string> &own_server_args,
                                            int attempts) {
    if (t.is_own_server()) {
        // serverfork --framing raw is not the worksheet's program (it says
        // goodbye): that profile is for a foreign server.
        if (t.profile == Profile::worksheet)
            throw std::invalid_argument("FORKCHECK_PROFILE=worksheet needs FORKCHECK_SERVER");
        std::vector<std::string> argv = serverfork_argv(t, "0");
        argv.insert(argv.end(), own_server_args.begin(), own_server_args.end());
        return std::make_unique<ServerProcess>(std::move(argv), t.start_timeout);
    }
    // A port picked here may be taken by someone else before the server
    // binds it: try a few.
    for (int attempt = 1;; ++attempt) {
        const int port = t.fixed_port != 0 ? t.fixed_port : free_port();
        std::vector<std::string> argv;
        for (std::string a : t.command) {
            for (auto at = a.find("{port}"); at != std::string::npos; at = a.find("{port}"))
                a.replace(at, 6, std::to_string(port));
            argv.push_back(a);
        }
        try {
            return std::make_unique<ServerProcess>(std::move(argv), port, t.start_timeout);
        } catch (const StartError &) {
            if (attempt >= attempts) throw;
        }
    }
}

}  // namespace probe
