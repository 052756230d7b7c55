// forkcheck: runs the conformance properties (and, with --faults, the
// conformance fault tests) against any server command and prints one verdict
// line per invariant, with the counterexample and the reproduce line of each
// failure.
#include <unistd.h>

#include <sys/wait.h>

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <random>
#include <regex>
#include <sstream>
#include <string>
#include <variant>
#include <vector>

#include "cli/tokens.hpp"
#include "fixtures/process.hpp"

namespace {

constexpr const char *prog = "forkcheck";

constexpr const char *usage =
    "usage: forkcheck [OPTION]... -- SERVER [ARG]...\n"
    "Checks a forking message server against forkcheck's properties and prints\n"
    "one verdict per invariant. In the server's arguments, {port} is replaced by\n"
    "a free port; without it the server must listen on --port.\n"
    "\n"
    "  --profile P       reference: the forkcheck protocol (lines, goodbye, errors);\n"
    "                    worksheet: the worksheet's program (one recv() one\n"
    "                    message, 'Hello, World!' to everything) (default reference)\n"
    "  --reply MODE      hello or echo: what the server replies (default hello)\n"
    "  --max-message N   the server's message limit (default 199)\n"
    "  --port N          the server's fixed port when there is no {port} (3490)\n"
    "  --seed N          rapidcheck seed (default: a random one, printed)\n"
    "  --max-success N   cases per property (default 25)\n"
    "  --timeout S       time limit per invariant (default 600)\n"
    "  --faults          also run the fault-injection conformance tests\n"
    "  -h, --help        show this help\n"
    "\n"
    "Example: forkcheck --profile worksheet -- ./serverFork {port}\n"
    "Exit status: 0 if every invariant holds, 1 if one fails, 2 on a bad\n"
    "command line.\n";

struct Check {
    const char *name;    // what the verdict line says
    std::string binary;  // gtest program
    std::string test;    // its test, for --gtest_filter
};

// The failure text rapidcheck and gtest printed, without their frames.
std::string failure_details(const std::string &out) {
    std::istringstream in(out);
    std::string details;
    bool on = false;
    for (std::string line; std::getline(in, line);) {
        if (line.starts_with("Falsifiable") || line.find("Failure") != std::string::npos) on = true;
        if (line.starts_with("[  FAILED  ]")) break;
        // gtest's and rapidcheck's frames, and repeated blank lines.
        if (!on || line.starts_with("RC_FAIL(") || line == "Failed" || line.ends_with("Failure") ||
            std::regex_search(line, std::regex(R"(\.(c|h)pp:\d*)")) ||
            (line.empty() && (details.empty() || details.ends_with("\n\n"))))
            continue;
        details += line.empty() ? "\n" : "      " + line + "\n";
    }
    while (details.ends_with("\n\n")) details.pop_back();
    return details;
}

std::string reproduce_line(const std::string &out) {
    std::smatch m;
    static const std::regex re(R"(RC_PARAMS="reproduce=[^"]+")");
    return std::regex_search(out, m, re) ? m.str() : "";
}

std::string quoted(const std::vector<std::string> &args) {
    std::string s;
    for (const auto &a : args) s += (s.empty() ? "" : " ") + a;
    return s;
}

}  // namespace

int main(int argc, char **argv) {
    auto parsed = cli::tokenize(
        prog, argc, argv,
        {"profile", "reply", "max-message", "port", "seed", "max-success", "timeout"}, {"faults"});
    if (auto *stop = std::get_if<cli::Stop>(&parsed)) {
        std::fputs(stop->text.c_str(), stderr);
        return stop->exit_code;
    }
    const auto &t = std::get<cli::Tokens>(parsed);
    if (t.help) {
        std::fputs(usage, stdout);
        return 0;
    }
    auto usage_error = [](const std::string &msg) {
        std::fputs(cli::error_line(prog, msg).c_str(), stderr);
        return cli::exit_usage;
    };
    if (t.operands.empty()) return usage_error("missing the server command after -- (try --help)");
    for (const auto &a : t.operands)
        if (a.find(' ') != std::string::npos)
            return usage_error("server arguments cannot hold spaces: '" + a + "'");

    std::string profile = "reference", reply = "hello", max_message = "199", seed, max_success,
                port;
    long timeout_s = 600;
    for (const auto &[name, value] : t.options) {
        if (name == "profile") {
            if (value != "reference" && value != "worksheet")
                return usage_error("--profile must be reference or worksheet, not '" + value + "'");
            profile = value;
        } else if (name == "reply") {
            if (value != "hello" && value != "echo")
                return usage_error("--reply must be hello or echo, not '" + value + "'");
            reply = value;
        } else if (name == "max-message" || name == "port" || name == "max-success" ||
                   name == "timeout" || name == "seed") {
            const long hi = name == "port" ? 65535 : name == "seed" ? 2147483647 : 1048576;
            const auto v = cli::parse_number(value, name == "seed" ? 0 : 1, hi);
            if (!v)
                return usage_error("--" + name + " must be a number from " +
                                   (name == "seed" ? "0" : "1") + " to " + std::to_string(hi) +
                                   ", not '" + value + "'");
            if (name == "max-message") max_message = value;
            if (name == "port") port = value;
            if (name == "max-success") max_success = value;
            if (name == "timeout") timeout_s = *v;
            if (name == "seed") seed = value;
        }
    }

    std::vector<std::string> command = t.operands;
    const std::string &program = command.front();
    if (program.find('/') != std::string::npos && access(program.c_str(), X_OK) != 0)
        return usage_error("cannot run '" + program + "': " + std::strerror(errno));

    setenv("FORKCHECK_SERVER", quoted(command).c_str(), 1);
    setenv("FORKCHECK_PROFILE", profile.c_str(), 1);
    setenv("FORKCHECK_REPLY", reply.c_str(), 1);
    setenv("FORKCHECK_MAX_MESSAGE", max_message.c_str(), 1);
    if (!port.empty()) setenv("FORKCHECK_PORT", port.c_str(), 1);
    // A seed always, so that any run can be repeated; RC_PARAMS from the
    // environment (a reproduce string) wins when no option says otherwise.
    const char *env_params = std::getenv("RC_PARAMS");
    const bool reproducing = env_params != nullptr && std::strstr(env_params, "reproduce=");
    if (!reproducing && (env_params == nullptr || !seed.empty() || !max_success.empty())) {
        if (seed.empty()) seed = std::to_string(std::random_device{}() & 0x7fffffff);
        std::string params = "seed=" + seed;
        params += " max_success=" + (max_success.empty() ? std::string("25") : max_success);
        setenv("RC_PARAMS", params.c_str(), 1);
    }

    std::printf("forkcheck: checking '%s' (profile %s, reply %s, max message %s)\n",
                quoted(command).c_str(), profile.c_str(), reply.c_str(), max_message.c_str());
    std::printf("forkcheck: RC_PARAMS=\"%s\"\n", std::getenv("RC_PARAMS"));
    std::fflush(stdout);

    std::vector<Check> checks = {
        {"replies", CONFORMANCE_TESTS, "Conformance.Replies"},
        {"no-zombies", CONFORMANCE_TESTS, "Conformance.NoZombies"},
        {"no-leaks", CONFORMANCE_TESTS, "Conformance.NoLeaks"},
        {"liveness-and-isolation", CONFORMANCE_TESTS, "Conformance.LivenessAndIsolation"},
        {"stateful-model", CONFORMANCE_TESTS, "Conformance.StatefulModel"},
    };
    if (std::find(t.flags.begin(), t.flags.end(), "faults") != t.flags.end()) {
        if (access(FAULT_CONFORMANCE_TESTS, X_OK) != 0) {
            std::fprintf(stderr, "forkcheck: the fault tests are not built (%s)\n",
                         FAULT_CONFORMANCE_TESTS);
            return cli::exit_failure;
        }
        fixtures::Process list({FAULT_CONFORMANCE_TESTS, "--gtest_list_tests"});
        list.exit_code(std::chrono::seconds(30));
        std::istringstream in(list.out());
        std::string suite;
        static std::vector<std::string> names;  // outlive checks' pointers
        for (std::string line; std::getline(in, line);) {
            if (line.empty()) continue;
            if (line[0] != ' ') {
                suite = line;
                continue;
            }
            const std::string test = line.substr(2, line.find(' ', 2) - 2);
            names.push_back("faults: " + test);
            checks.push_back({nullptr, FAULT_CONFORMANCE_TESTS, suite + test});
        }
        for (std::size_t i = 0, j = 0; i < checks.size(); ++i)
            if (checks[i].name == nullptr) checks[i].name = names[j++].c_str();
    }

    int failed = 0;
    for (const auto &c : checks) {
        const auto start = std::chrono::steady_clock::now();
        fixtures::Process run({c.binary, "--gtest_filter=" + c.test});
        const auto status = run.wait(std::chrono::seconds(timeout_s));
        const double secs =
            std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
        const std::string out = run.out() + run.err();
        if (!status) {
            ++failed;
            std::printf("FAIL  %-24s timed out after %.0f s\n", c.name, secs);
        } else if (out.find("[  SKIPPED ]") != std::string::npos) {
            std::printf("SKIP  %-24s (not for this profile)\n", c.name);
        } else if (WIFEXITED(*status) && WEXITSTATUS(*status) == 0) {
            std::printf("PASS  %-24s %.1f s\n", c.name, secs);
        } else {
            ++failed;
            std::printf("FAIL  %-24s %.1f s\n%s", c.name, secs, failure_details(out).c_str());
            const std::string again = reproduce_line(out);
            if (!again.empty())
                std::printf("      rerun this case: %s %s\n", again.c_str(),
                            quoted(std::vector<std::string>(argv, argv + argc)).c_str());
        }
        std::fflush(stdout);
    }
    std::printf("forkcheck: %d of %zu invariants failed\n", failed, checks.size());
    return failed == 0 ? 0 : 1;
}
