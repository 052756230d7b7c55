// The server's two logs: events on stdout (the worksheet's "Server: ..."
// lines) and messages and errors on stderr. One write per line, so lines
// from concurrent children do not interleave.
#pragma once

#include <string_view>

namespace server::log {

void event(std::string_view line);  // stdout, flushed
void line(std::string_view line);   // stderr, as is
void error(std::string_view what);  // stderr, "serverfork: " + what
// "serverfork: <call> failed: ENAME (text)<tail>" with the current errno.
void failed(std::string_view call, std::string_view tail = {});

}  // namespace server::log
