// SPDX-License-Identifier: MIT
// forkcheck's results for machines: JUnit XML (one testsuite for the run,
// one testcase per invariant) and JSON (one object per line).
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "conformance/runner.hpp"

namespace conformance {

struct RunInfo {
    std::string server;  // the command as given, {port} and all
    std::string profile;
    std::uint64_t seed = 0;
    int max_success = 0;
    double seconds = 0;
    std::string timestamp;  // ISO 8601, when the run began
    std::string hint;       // which profile or option to try, if any
};

// A verdict and the command line that replays its minimal case ("" if none).
struct Reported {
    Verdict verdict;
    std::string rerun;
};

// The whole run. setup_error non-empty: the server could not be started, and
// the document says so (an <error> testcase) in place of the invariants.
std::string junit_xml(const RunInfo &run, const std::vector<Reported> &results,
                      const std::string &setup_error = "", const std::string &setup_stderr = "");

std::string json_verdict(const Reported &r);  // one line, no newline
std::string json_summary(const RunInfo &run, const std::vector<Reported> &results, int exit_code);
std::string json_setup_error(const std::string &message, const std::string &server_stderr,
                             int exit_code);

}  // namespace conformance
