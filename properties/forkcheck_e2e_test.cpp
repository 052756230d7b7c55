// SPDX-License-Identifier: MIT
// forkcheck as a user runs it: by bare name from PATH, on servers found on
// PATH, with set-up errors told apart from failed invariants, results for
// machines, and nothing of the server left after an interrupted run.
#include <signal.h>
#include <unistd.h>

#include <gtest/gtest.h>

#include <chrono>
#include <cstdlib>
#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>
#include <string>
#include <vector>

#include "e2e_helpers.hpp"
#include "probe/poll_until.hpp"
#include "probe/proc_scan.hpp"

using namespace std::chrono_literals;
using probe::Process;

namespace {

// forkcheck run by its bare name, its folder first on PATH.
std::vector<std::string> forkcheck(std::vector<std::string> args) {
    const char *path = std::getenv("PATH");
    std::vector<std::string> argv{"/usr/bin/env",
                                  std::string("PATH=") + FORKCHECK_DIR + ":" + (path ? path : ""),
                                  "forkcheck"};
    argv.insert(argv.end(), args.begin(), args.end());
    return argv;
}

std::string temp_path(const std::string &name) {
    return "/tmp/forkcheck-e2e-" + std::to_string(getpid()) + "-" + name;
}

TEST(ForkcheckE2E, PassesAPythonServerFoundOnPathAndWritesJUnitThatXmllintAccepts) {
    const std::string junit = temp_path("junit.xml");
    // python3 from PATH may be a shim that starts slowly on a loaded machine.
    Process run(forkcheck({"--seed", "1", "--max-success", "2", "--start-timeout", "30", "--junit",
                           junit, "--", "python3", LINE_SERVER_PY, "{port}"}));
    ASSERT_EQ(run.exit_code(240s), 0) << run.out() << run.err();
    EXPECT_EQ(e2e::count(run.out(), "\nPASS  "), 6u) << run.out();
    EXPECT_NE(run.out().find("0 of 6 invariants failed"), std::string::npos) << run.out();
    Process lint({"xmllint", "--noout", junit});
    EXPECT_EQ(lint.exit_code(30s), 0) << lint.err();
    Process count({"xmllint", "--xpath", "count(//testsuite/testcase)", junit});
    EXPECT_EQ(count.exit_code(30s), 0);
    EXPECT_EQ(count.out(), "6\n");
    std::remove(junit.c_str());
}

TEST(ForkcheckE2E, ACommandThatDoesNotExistIsASetUpError) {
    Process run(forkcheck({"--", "no-such-server-anywhere", "{port}"}));
    EXPECT_EQ(run.exit_code(30s), 3);
    EXPECT_NE(run.err().find("forkcheck: set-up error: cannot run 'no-such-server-anywhere': No "
                             "such file or directory (searched on PATH)"),
              std::string::npos)
        << run.err();
    EXPECT_EQ(run.out().find("FAIL"), std::string::npos) << run.out();
    EXPECT_EQ((run.out() + run.err()).find("rerun"), std::string::npos);
    EXPECT_EQ((run.out() + run.err()).find("Falsifiable"), std::string::npos);
}

TEST(ForkcheckE2E, AServerThatExitsAtOnceIsASetUpErrorWithItsStatusAndStderr) {
    const std::string junit = temp_path("setup.xml");
    Process run(forkcheck(
        {"--junit", junit, "--", "sh", "-c", "echo cannot open config >&2; exit 7", "{port}"}));
    EXPECT_EQ(run.exit_code(30s), 3);
    EXPECT_NE(run.err().find("the server exited with status 7 before it listened on port"),
              std::string::npos)
        << run.err();
    EXPECT_NE(run.err().find("    cannot open config"), std::string::npos) << run.err();
    EXPECT_EQ(run.out().find("FAIL"), std::string::npos);
    Process lint({"xmllint", "--xpath", "string(//testcase[@name='set-up']/error/@type)", junit});
    EXPECT_EQ(lint.exit_code(30s), 0);
    EXPECT_EQ(lint.out(), "set-up error\n");
    std::remove(junit.c_str());
}

TEST(ForkcheckE2E, AServerThatNeverListensIsASetUpErrorWithinTheStartTimeout) {
    const auto start = std::chrono::steady_clock::now();
    Process run(forkcheck({"--start-timeout", "1", "--", "sleep", "600", "{port}"}));
    EXPECT_EQ(run.exit_code(30s), 3);
    EXPECT_LT(std::chrono::steady_clock::now() - start, 15s);
    EXPECT_NE(run.err().find("did not listen on port"), std::string::npos) << run.err();
    EXPECT_NE(run.err().find("within 1 s (--start-timeout)"), std::string::npos) << run.err();
}

TEST(ForkcheckE2E, JsonLinesForEachInvariantThenASummary) {
    Process run(
        forkcheck({"--json", "--seed", "1", "--max-success", "2", "--", LINE_SERVER, "{port}"}));
    ASSERT_EQ(run.exit_code(120s), 0) << run.err();
    std::istringstream lines(run.out());
    std::vector<nlohmann::json> objects;
    for (std::string line; std::getline(lines, line);)
        objects.push_back(nlohmann::json::parse(line));  // stdout holds JSON alone
    ASSERT_EQ(objects.size(), 7u) << run.out();
    for (std::size_t i = 0; i < 6; ++i) {
        EXPECT_EQ(objects[i]["type"], "invariant");
        EXPECT_EQ(objects[i]["verdict"], "PASS");
        EXPECT_EQ(objects[i]["cases"], 2);
    }
    EXPECT_EQ(objects[6]["type"], "summary");
    EXPECT_EQ(objects[6]["passed"], 6);
    EXPECT_EQ(objects[6]["exit"], 0);
}

TEST(ForkcheckE2E, AFailureNamesWhatWasViolatedAndItsRerunReplaysOnlyIt) {
    Process run(forkcheck({"--json", "--seed", "1", "--", MUTANT_CR_KEPT, "{port}"}));
    ASSERT_EQ(run.exit_code(300s), 1) << run.err();
    std::istringstream lines(run.out());
    nlohmann::json failed;
    for (std::string line; std::getline(lines, line);) {
        const auto j = nlohmann::json::parse(line);
        if (j["type"] == "invariant" && j["verdict"] == "FAIL" && failed.is_null()) failed = j;
    }
    ASSERT_FALSE(failed.is_null()) << run.out();
    EXPECT_EQ(failed["invariant"], "replies");
    const std::string reason = failed["reason"];
    EXPECT_NE(reason.find("expected the replies"), std::string::npos) << reason;
    for (const auto &line : failed["counterexample"]) {
        EXPECT_EQ(line.get<std::string>().find("std::"), std::string::npos) << line;
        EXPECT_FALSE(line.get<std::string>().empty());
    }
    const std::string rerun = failed["rerun"];
    ASSERT_TRUE(rerun.starts_with("forkcheck ")) << rerun;
    Process again({"/bin/sh", "-c", std::string("PATH=") + FORKCHECK_DIR + ":$PATH exec " + rerun});
    EXPECT_EQ(again.exit_code(120s), 1) << again.out() << again.err();
    EXPECT_NE(again.out().find("FAIL  replies "), std::string::npos) << again.out();
    EXPECT_EQ(e2e::count(again.out(), "\nSKIP  "), 5u) << again.out();
    // The same replay for machines: the others SKIP there too, and the seed
    // is the rerun string's.
    Process json({"/bin/sh", "-c",
                  std::string("PATH=") + FORKCHECK_DIR + ":$PATH exec forkcheck --json " +
                      rerun.substr(std::string("forkcheck ").size())});
    EXPECT_EQ(json.exit_code(120s), 1) << json.out() << json.err();
    std::istringstream replayed(json.out());
    std::size_t skips = 0;
    nlohmann::json summary;
    for (std::string line; std::getline(replayed, line);) {
        const auto j = nlohmann::json::parse(line);
        skips += j.value("verdict", "") == "SKIP";
        if (j["type"] == "summary") summary = j;
    }
    EXPECT_EQ(skips, 5u) << json.out();
    EXPECT_EQ(summary["skipped"], 5) << json.out();
    EXPECT_EQ(summary["seed"], 1) << json.out();
}

TEST(ForkcheckE2E, TheWorksheetsProgramUnderTheReferenceProfileGetsTheProfileToTry) {
    Process run(forkcheck({"--seed", "1", "--", WORKSHEET_SERVER, "{port}"}));
    // Said before the first invariant's verdict; the run need not end.
    const std::string hint =
        "forkcheck: hint: the server answers \"quit\" with \"Hello, World!\", as the worksheet's "
        "program does: if that is what it is, check it with --profile worksheet\n";
    EXPECT_TRUE(probe::poll_until([&] { return run.out().find(hint) != std::string::npos; }, 60s))
        << run.out() << run.err();
    const std::string out = run.out();
    EXPECT_LT(out.find(hint), out.find("  replies ")) << out;
    run.signal(SIGTERM);
    EXPECT_TRUE(run.wait(20s).has_value());
}

TEST(ForkcheckE2E, NoProfileHintForAServerThatSaysGoodbye) {
    Process run(forkcheck({"--seed", "1", "--max-success", "1", "--", LINE_SERVER, "{port}"}));
    ASSERT_TRUE(
        probe::poll_until([&] { return run.out().find("  replies ") != std::string::npos; }, 60s))
        << run.out() << run.err();
    EXPECT_EQ(run.out().find("hint"), std::string::npos) << run.out();
    run.signal(SIGTERM);
    EXPECT_TRUE(run.wait(20s).has_value());
}

TEST(ForkcheckE2E, SigtermMidRunLeavesNoProcessOfTheServerBehind) {
    const std::string hung = temp_path("hung-children");
    std::remove(hung.c_str());
    Process run(forkcheck({"--seed", "1", "--start-timeout", "30", "--", "python3", LINE_SERVER_PY,
                           "{port}", "--children-hang", hung}));
    // The server's children write their pids there, then never exit: the
    // first is the set-up check's (its server is gone by the first
    // invariant), the second one of the first invariant's.
    std::vector<pid_t> children;
    ASSERT_TRUE(probe::poll_until(
        [&] {
            children.clear();
            std::ifstream f(hung);
            for (pid_t pid; f >> pid;) children.push_back(pid);
            return children.size() >= 2;
        },
        60s))
        << run.out() << run.err();
    const pid_t server = probe::all_processes().empty() ? 0 : [&] {
        for (const auto &p : probe::all_processes())
            if (p.pid == children.back()) return p.ppid;
        return pid_t{0};
    }();
    ASSERT_GT(server, 1);
    run.signal(SIGTERM);
    const auto status = run.wait(20s);
    ASSERT_TRUE(status.has_value());
    EXPECT_TRUE(WIFEXITED(*status) && WEXITSTATUS(*status) == 128 + SIGTERM) << *status;
    EXPECT_NE(run.err().find("forkcheck: stopped by SIGTERM while running replies"),
              std::string::npos)
        << run.err();
    // Neither the server nor any of its children is left, not even as
    // another parent's (init's) child.
    const auto alive = [](pid_t pid) {
        for (const auto &p : probe::all_processes())
            if (p.pid == pid && p.state != 'Z') return true;
        return false;
    };
    children.push_back(server);
    for (pid_t pid : children)
        EXPECT_TRUE(probe::poll_until([&] { return !alive(pid); }, 10s))
            << "process " << pid << " (" << probe::cmdline(pid) << ") is still there";
    std::remove(hung.c_str());
}

}  // namespace
