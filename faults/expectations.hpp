// SPDX-License-Identifier: MIT
// The fault matrix: for each shim failure point and each errno a kernel
// returns there, what serverfork or msgclient does. The matrix tests and the
// table in docs/fault-injection.md are both made from this, and a test checks
// that it covers every point and errno of the shims' own table (sys/fault.cpp).
#pragma once

#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "sys/fault.hpp"

namespace faults {

// How a cell is exercised; each names the process that makes the call.
enum class Scenario {
    startup,            // serverfork's first call fails: one line, exit 1
    accept,             // the parent's accept for a second client fails
    fork,               // the parent's fork for a second client fails
    waitpid,            // the parent's first waitpid fails
    parent_poll,        // the parent's first poll fails
    close,              // the first close anywhere in the server fails
    child_recv,         // the second client's child: its first recv fails
    child_send,         // the second client's child: its first send fails
    child_timer,        // the second client's child: its first setitimer fails
    child_shutdown,     // the child's shutdown after quit fails
    kill,               // the parent's kill at shutdown (after --grace 0) fails
    client_connect,     // msgclient's connect fails
    client_getsockopt,  // msgclient's SO_ERROR check after connecting fails
    client_read,        // msgclient's read of its standard input fails
    short_io,           // a reduce point on every call
};

struct Expectation {
    std::string_view point;  // libfiu name
    int error;               // the errno; 0: every errno of the point
    Scenario scenario;
    bool recovers;               // the call is retried and the client is served
    std::string_view log;        // what the log shows ("" nothing); %E is the errno name
    std::string_view behaviour;  // for the documented table
};

std::span<const Expectation> expectations();
// e.log with %E replaced by "ENAME (text)", as the programs print errnos.
std::string expected_log(const Expectation &e, int error);
// The expectation for one cell, or nullptr if the matrix has none.
const Expectation *expectation_for(std::string_view point, int error);

struct Cell {
    const sys::FaultPoint *point;
    int error;  // 0 for a reduce point
};
// Every (point, errno) of the shims' table, reduce points with error 0.
std::vector<Cell> all_cells();

// The table of docs/fault-injection.md in Markdown, one row per cell.
std::string markdown_table();

}  // namespace faults
