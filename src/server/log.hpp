// The server's two logs: events on stdout (the worksheet's "Server: ..."
// lines) and messages and errors on stderr. Each write holds whole lines, so
// lines from concurrent children do not interleave.
#pragma once

#include <initializer_list>
#include <string_view>

namespace server::log {

void event(std::string_view line);  // stdout
void error(std::string_view what);  // stderr, "serverfork: " + what
// The same lines given in pieces, joined into one write: no heap and no stdio
// on the per-connection and per-message paths (each page a process writes
// after fork costs it a copy-on-write fault).
void event(std::initializer_list<std::string_view> pieces);
void line(std::initializer_list<std::string_view> pieces);
// "serverfork: <call> failed: ENAME (text)<tail>" with the current errno.
void failed(std::string_view call, std::string_view tail = {});

// A child may hold its line()s and write them in blocks of at most PIPE_BUF
// bytes: a write() per message costs about a tenth of a lockstep round trip.
// Held lines go out when the block is full, before any other
// stderr line (so the order stays), at flush_held(), and at SIGTERM through
// end_by_signal(); only another fatal signal loses them. The caller bounds
// how long they wait (serve_client).
void hold_lines(bool on);
bool lines_held();  // something is held
void flush_held();
// SIGTERM's handler: writes what is held, then ends the process by the
// signal's default action, as if there had been no handler (flush_held()
// blocks SIGTERM while it writes). Async-signal-safe.
void end_by_signal(int sig);

}  // namespace server::log
