// SPDX-License-Identifier: MIT
// The server's two logs: events on stdout (the worksheet's "Server: ..."
// lines) and messages and errors on stderr. Each write holds whole lines, so
// lines from concurrent children do not interleave.
#pragma once

#include <initializer_list>
#include <string_view>

namespace server::log {

// The program's name, which starts every error line ("NAME: "); set once, by
// main, before any line (the string must outlive the process's logging).
void set_program(std::string_view name);

void event(std::string_view line);  // stdout
void error(std::string_view what);  // stderr, "NAME: " + what
// The same lines given in pieces, joined into one write: no heap and no stdio
// on the per-connection and per-message paths (each page a process writes
// after fork costs it a copy-on-write fault).
void event(std::initializer_list<std::string_view> pieces);
void line(std::initializer_list<std::string_view> pieces);
// "NAME: <call> failed: ENAME (text)<tail>" with the current errno.
void failed(std::string_view call, std::string_view tail = {});

// bytes as they are, on stderr: for lines already joined (ChildLog's block).
// Async-signal-safe, errno kept.
void write_stderr(std::string_view bytes);

}  // namespace server::log
