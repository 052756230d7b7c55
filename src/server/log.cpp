// SPDX-License-Identifier: MIT
#include "server/log.hpp"

#include <sys/uio.h>
#include <unistd.h>

#include <array>
#include <cerrno>
#include <cstring>
#include <string>

#include "sys/errno_text.hpp"

namespace server::log {
namespace {

constexpr std::size_t max_pieces = 8;
std::string_view program;  // set_program()
// A line this short is joined on the stack and written with write(), which
// costs the kernel less than writev() of its pieces.
constexpr std::size_t short_line = 512;

// Writes all of the iovecs (a short write is finished with more calls).
void write_all(int fd, iovec *v, std::size_t n) {
    while (n > 0) {
        const ssize_t k =
            n == 1 ? ::write(fd, v->iov_base, v->iov_len) : ::writev(fd, v, static_cast<int>(n));
        if (k < 0 && errno == EINTR) continue;
        if (k < 0) return;  // a log that cannot be written is not the client's failure
        auto done = static_cast<std::size_t>(k);
        while (n > 0 && done >= v->iov_len) {
            done -= v->iov_len;
            ++v;
            --n;
        }
        if (n > 0) {
            v->iov_base = static_cast<char *>(v->iov_base) + done;
            v->iov_len -= done;
        }
    }
}

// pieces and "\n" in one write, errno kept. Raw fds, not stdio: the parent
// buffers nothing, so nothing is written twice after fork, and no FILE or buffer
// page is touched (each page a process writes after fork costs it a
// copy-on-write fault).
void put(int fd, std::initializer_list<std::string_view> pieces) {
    const int saved = errno;
    std::array<iovec, max_pieces + 1> iov{};
    std::size_t n = 0;
    std::size_t total = 1;
    for (const std::string_view p : pieces) {
        if (p.empty() || n == max_pieces) continue;
        iov[n++] = {const_cast<char *>(p.data()), p.size()};
        total += p.size();
    }
    iov[n++] = {const_cast<char *>("\n"), 1};
    if (total <= short_line) {
        char line[short_line];
        std::size_t used = 0;
        for (std::size_t i = 0; i < n; ++i) {
            std::memcpy(line + used, iov[i].iov_base, iov[i].iov_len);
            used += iov[i].iov_len;
        }
        iov[0] = {line, used};
        write_all(fd, iov.data(), 1);
    } else {
        write_all(fd, iov.data(), n);
    }
    errno = saved;
}

}  // namespace

void event(std::string_view l) { put(STDOUT_FILENO, {l}); }
void set_program(std::string_view name) { program = name; }

void error(std::string_view what) { put(STDERR_FILENO, {program, ": ", what}); }
void event(std::initializer_list<std::string_view> pieces) { put(STDOUT_FILENO, pieces); }

void line(std::initializer_list<std::string_view> pieces) { put(STDERR_FILENO, pieces); }

void write_stderr(std::string_view bytes) {
    const int saved = errno;
    iovec v{const_cast<char *>(bytes.data()), bytes.size()};
    write_all(STDERR_FILENO, &v, 1);
    errno = saved;
}

void failed(std::string_view call, std::string_view tail) {
    const std::string e = sys::errno_text(errno);
    put(STDERR_FILENO, {program, ": ", call, " failed: ", e, tail});
}

}  // namespace server::log
