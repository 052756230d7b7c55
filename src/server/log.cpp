#include "server/log.hpp"

#include <cerrno>
#include <cstdio>
#include <string>

#include "cli/args.hpp"

namespace server::log {
namespace {

void put(FILE *f, std::string_view a, std::string_view b = {}) {
    std::string s;
    s.reserve(a.size() + b.size() + 1);
    s.append(a).append(b).push_back('\n');
    std::fwrite(s.data(), 1, s.size(), f);
    std::fflush(f);
}

}  // namespace

void event(std::string_view l) { put(stdout, l); }
void line(std::string_view l) { put(stderr, l); }
void error(std::string_view what) { put(stderr, "serverfork: ", what); }

void failed(std::string_view call, std::string_view tail) {
    const std::string e = cli::errno_text(errno);
    put(stderr, "serverfork: ", std::string(call) + " failed: " + e + std::string(tail));
}

}  // namespace server::log
