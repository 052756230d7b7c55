// SPDX-License-Identifier: MIT
#include "server/proctitle.hpp"

#include <unistd.h>

#include <cstring>

namespace server::proctitle {
namespace {

char *area = nullptr;
std::size_t area_len = 0;

}  // namespace

void init(int argc, char **argv) {
    if (argc < 1 || argv[0] == nullptr) return;
    char *end = argv[0];
    for (int i = 0; i < argc; ++i)
        if (argv[i] == end) end = argv[i] + std::strlen(argv[i]) + 1;
    std::size_t n = 0;
    while (environ[n] != nullptr) ++n;
    // Copies of the environment live on the heap for the process's life.
    char **copy = new char *[n + 1];
    for (std::size_t i = 0; i < n; ++i) {
        if (environ[i] == end) end = environ[i] + std::strlen(environ[i]) + 1;
        copy[i] = strdup(environ[i]);
    }
    copy[n] = nullptr;
    environ = copy;
    area = argv[0];
    area_len = static_cast<std::size_t>(end - argv[0]);
}

void set(std::string_view title) {
    if (area != nullptr && area_len > 1) {
        const std::size_t n = title.size() < area_len - 1 ? title.size() : area_len - 1;
        std::memcpy(area, title.data(), n);
        std::memset(area + n, 0, area_len - n);
    }
}

}  // namespace server::proctitle
