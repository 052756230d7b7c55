// SPDX-License-Identifier: MIT
// forkcheck: runs the conformance invariants (and, with --faults, the fault
// checks) in this process against any server command, and prints a verdict
// per invariant; JUnit XML and JSON for machines.
#include <signal.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <ctime>
#include <fstream>
#include <optional>
#include <random>
#include <string>
#include <vector>

#include "conformance/fault_checks.hpp"
#include "conformance/invariants.hpp"
#include "conformance/report.hpp"
#include "conformance/runner.hpp"
#include "forkcheck/options.hpp"
#include "probe/proc_scan.hpp"
#include "probe/process.hpp"
#include "probe/server_process.hpp"
#include "probe/test_client.hpp"

namespace {

using conformance::Reported;
using conformance::Verdict;

// Cases of each invariant played before the rest of any.
constexpr int first_round = 2;

// What is running, for the message of a signal handler: two buffers, the
// one in use named by an atomic index, so the handler never reads one being
// written.
char doing[2][160];
std::atomic<int> doing_now{0};
std::atomic<bool> progress_shown{false};  // a progress line waits to be cleared

void set_doing(const std::string &what) {
    const int next = 1 - doing_now.load();
    std::snprintf(doing[next], sizeof doing[next], "%s", what.c_str());
    doing_now.store(next);
}

extern "C" void on_stop_signal(int sig) {
    probe::kill_every_process_group();
    const char *name = sigabbrev_np(sig);
    const char *what = doing[doing_now.load()];
    char line[256];
    const int n = std::snprintf(line, sizeof line,
                                "%sforkcheck: stopped by SIG%s while %s; the server under "
                                "test was killed\n",
                                progress_shown.load() ? "\r\033[K" : "",
                                name != nullptr ? name : "?", what[0] != '\0' ? what : "starting");
    if (n > 0) (void)!write(STDERR_FILENO, line, std::min<std::size_t>(n, sizeof line - 1));
    _exit(128 + sig);
}

void install_stop_handlers() {
    struct sigaction sa {};
    sa.sa_handler = on_stop_signal;
    sigfillset(&sa.sa_mask);
    for (int sig : {SIGTERM, SIGINT, SIGHUP}) sigaction(sig, &sa, nullptr);
}

// The text report, and the progress line while an invariant runs (on a
// terminal only).
class Screen : public conformance::Progress {
public:
    Screen(std::FILE *out, bool quiet) : out_(out), quiet_(quiet), tty_(isatty(fileno(out)) == 1) {}

    void running(std::string_view name, const std::string &what) override {
        set_doing("running " + std::string(name) + ", " + what);
        if (!tty_ || quiet_) return;
        std::fprintf(out_, "\r\033[K      %-24s %s", std::string(name).c_str(), what.c_str());
        std::fflush(out_);
        progress_shown = true;
    }
    void clear() {
        if (progress_shown) std::fputs("\r\033[K", out_);
        progress_shown = false;
    }
    void line(const std::string &s) {
        clear();
        std::fputs((s + "\n").c_str(), out_);
        std::fflush(out_);
    }
    void verdict(const Reported &r) {
        const Verdict &v = r.verdict;
        if (quiet_ && v.kind != Verdict::Kind::fail) return clear();
        char head[160];
        std::snprintf(head, sizeof head, "%s  %-24s ", conformance::kind_name(v.kind),
                      v.name.c_str());
        std::string s = head;
        char secs[32];
        std::snprintf(secs, sizeof secs, "%.1f s", v.seconds);
        if (v.kind == Verdict::Kind::pass && v.replayed)
            s += std::string(secs) + ", the replayed case passed";
        else if (v.kind == Verdict::Kind::pass)
            s += std::string(secs) + ", " + std::to_string(v.cases) + " cases";
        else if (v.kind == Verdict::Kind::skip)
            s += v.reason;
        else {
            s += std::string(secs);
            if (v.replayed)
                s += ", the replayed case failed";
            else if (!v.counterexample.empty())
                s += ", failed at case " + std::to_string(v.cases);
            else if (v.cases > 0)
                s += ", after " + std::to_string(v.cases) + " passing cases";
            if (v.shrinks > 0) s += ", " + std::to_string(v.shrinks) + " shrinking steps";
            if (v.intermittent())
                s += "\n      intermittent: the minimal case failed again on " +
                     std::to_string(v.rerun_failures) + " of " + std::to_string(v.reruns) +
                     " runs; the reason is the one recorded when it failed";
            s += "\n      violated: " + v.reason;
            if (!v.counterexample.empty()) {
                s += "\n      minimal case:";
                for (const auto &l : v.counterexample) s += "\n        " + l;
            }
            if (!r.rerun.empty()) s += "\n      rerun: " + r.rerun;
        }
        line(s);
    }

private:
    std::FILE *out_;
    bool quiet_, tty_;
};

std::string command_text(const std::vector<std::string> &argv) {
    std::string s;
    for (const auto &a : argv) s += (s.empty() ? "" : " ") + forkcheck::shell_word(a);
    return s;
}

// The command line that replays one failure's minimal case.
std::string rerun_line(const forkcheck::Options &o, const std::string &reproduce) {
    std::string s = "forkcheck";
    for (const auto &[name, value] : o.given) {
        if (name == "seed" || name == "reproduce" || name == "junit" || name == "json" ||
            name == "max-success" || name == "faults")
            continue;
        s += " --" + name + (value.empty() ? "" : " " + forkcheck::shell_word(value));
    }
    return s + " --reproduce " + forkcheck::shell_word(reproduce) + " -- " +
           command_text(o.target.command);
}

// The last lines of a server's stderr, indented, for a set-up error.
std::string last_lines(const std::string &text, std::size_t n = 10) {
    std::vector<std::string> lines;
    std::size_t at = 0;
    while (at < text.size()) {
        const auto nl = text.find('\n', at);
        lines.push_back(text.substr(at, nl == std::string::npos ? std::string::npos : nl - at));
        at = nl == std::string::npos ? text.size() : nl + 1;
    }
    std::string s;
    for (std::size_t i = lines.size() > n ? lines.size() - n : 0; i < lines.size(); ++i)
        s += "    " + lines[i] + "\n";
    return s;
}

// Under the reference profile, a server that answers "quit" like any other
// message is most likely the worksheet's program, and every failure it gets
// says so only indirectly: one look at set-up names the profile to try.
std::string profile_hint(const forkcheck::Options &o, int port) {
    if (o.target.profile != probe::Profile::reference) return {};
    const std::string like_any =
        o.target.reply == proto::ReplyMode::echo ? "quit" : "Hello, World!";
    try {
        probe::TestClient client(port);
        if (!client.send("quit\n") || client.read_line(std::chrono::seconds(2)) != like_any)
            return {};
    } catch (const std::exception &) {
        return {};
    }
    return "the server answers \"quit\" with \"" + like_any +
           "\", as the worksheet's program does: if that is what it is, check it with "
           "--profile worksheet";
}

std::string now_iso8601() {
    const std::time_t t = std::time(nullptr);
    char buf[32];
    std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%S", std::localtime(&t));
    return buf;
}

bool write_file(const std::string &path, const std::string &text) {
    std::ofstream f(path, std::ios::binary | std::ios::trunc);
    f << text;
    f.close();
    return static_cast<bool>(f);
}

}  // namespace

int main(int argc, char **argv) {
    auto parsed = forkcheck::parse_options(argc, argv);
    if (auto *stop = std::get_if<cli::Stop>(&parsed)) {
        std::fputs(stop->text.c_str(), stop->exit_code == 0 ? stdout : stderr);
        return stop->exit_code;
    }
    auto &o = std::get<forkcheck::Options>(parsed);
    probe::prepare_test_process();
    install_stop_handlers();

    std::map<std::string, std::string> replay;
    if (!o.reproduce.empty()) {
        bool ok = false;
        replay = conformance::split_reproduce(o.reproduce, ok);
        if (!ok) {
            std::fputs(cli::error_line("forkcheck",
                                       "--reproduce takes the string of a rerun "
                                       "line, not '" +
                                           o.reproduce + "'")
                           .c_str(),
                       stderr);
            return cli::exit_usage;
        }
    }

    // A --junit file that cannot be written is found now, not after the run.
    if (!o.junit.empty() && !write_file(o.junit, "")) {
        std::fprintf(stderr, "forkcheck: cannot write %s: %s\n", o.junit.c_str(),
                     std::strerror(errno));
        return cli::exit_usage;
    }

    // With --json, stdout is for JSON alone; the text goes to stderr.
    Screen screen(o.json ? stderr : stdout, o.quiet || o.json);
    const auto start = std::chrono::steady_clock::now();
    conformance::RunInfo info;
    info.server = command_text(o.target.command);
    info.profile = o.target.profile == probe::Profile::worksheet ? "worksheet" : "reference";
    info.seed = o.seed ? *o.seed : std::random_device{}() & 0x7fffffff;
    // A replay's cases come from the seed in its rerun string, not a new one.
    if (!replay.empty()) {
        const std::string &place = replay.begin()->second;
        const auto from = place.find(':') + 1;
        info.seed = std::stoull(place.substr(from, place.find(':', from) - from));
    }
    info.max_success = o.max_success;
    info.timestamp = now_iso8601();
    if (!o.quiet && !o.json) {
        screen.line("forkcheck: checking " + info.server + " (profile " + info.profile +
                    ", reply " + (o.target.reply == proto::ReplyMode::echo ? "echo" : "hello") +
                    ", max message " + std::to_string(o.target.max_message) + ")");
        screen.line(replay.empty() ? "forkcheck: seed " + std::to_string(info.seed) + ", " +
                                         std::to_string(o.max_success) + " cases per invariant"
                                   : "forkcheck: replaying the minimal cases of --reproduce");
    }
    auto finish = [&](const std::vector<Reported> &results, int code, const std::string &setup,
                      const std::string &setup_stderr) {
        info.seconds =
            std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
        if (o.json)
            std::puts((setup.empty() ? conformance::json_summary(info, results, code)
                                     : conformance::json_setup_error(setup, setup_stderr, code))
                          .c_str());
        if (!o.junit.empty() &&
            !write_file(o.junit, conformance::junit_xml(info, results, setup, setup_stderr))) {
            std::fprintf(stderr, "forkcheck: cannot write %s: %s\n", o.junit.c_str(),
                         std::strerror(errno));
            return cli::exit_failure;
        }
        return code;
    };

    // Set-up: the server must start and listen before any invariant is run.
    set_doing("starting the server for the set-up check");
    try {
        if (o.target.fixed_port != 0 && probe::listening_on(o.target.fixed_port))
            throw probe::StartError("port " + std::to_string(o.target.fixed_port) +
                                        " is already in use by another program, before the "
                                        "server was started (give the command {port})",
                                    "");
        const auto server = probe::start_target(o.target, {}, 1);
        info.hint = profile_hint(o, server->port());
    } catch (const probe::ExecError &e) {
        const std::string msg =
            std::string(e.what()) +
            (o.target.command[0].find('/') == std::string::npos ? " (searched on PATH)" : "");
        std::fprintf(stderr, "forkcheck: set-up error: %s\n", msg.c_str());
        return finish({}, forkcheck::exit_setup, msg, "");
    } catch (const probe::StartError &e) {
        std::string msg =
            info.server + ": " + e.what() + (e.timed_out() ? " (--start-timeout)" : "");
        std::fprintf(stderr, "forkcheck: set-up error: %s\n", msg.c_str());
        if (!e.server_stderr().empty())
            std::fprintf(stderr, "forkcheck: the server's last lines on stderr:\n%s",
                         last_lines(e.server_stderr()).c_str());
        return finish({}, forkcheck::exit_setup, msg, e.server_stderr());
    }

    if (!info.hint.empty() && !o.quiet && !o.json) screen.line("forkcheck: hint: " + info.hint);

    std::vector<Reported> results;
    auto report = [&](Verdict v) {
        Reported r{std::move(v), ""};
        if (!r.verdict.reproduce.empty()) r.rerun = rerun_line(o, r.verdict.reproduce);
        screen.verdict(r);
        if (o.json) {
            std::puts(conformance::json_verdict(r).c_str());
            std::fflush(stdout);
        }
        return r;
    };
    // The first cases of every invariant, then the rest of each: a defect
    // that any invariant catches in its first small cases is reported in
    // seconds. Verdicts print as they are decided; results keep the order.
    struct Entry {
        std::optional<conformance::Search> search;
        Verdict skipped;
        bool reported = false;
    };
    std::vector<Entry> entries;
    for (const auto &inv : conformance::invariants()) {
        Entry e;
        e.skipped.name = std::string(inv.name);
        e.skipped.kind = Verdict::Kind::skip;
        if (!inv.applies_to(o.target)) {
            e.skipped.reason = "not for the worksheet profile";
        } else if (!replay.empty() && !replay.contains(e.skipped.name)) {
            e.skipped.reason = "not in --reproduce";
        } else {
            conformance::Settings s;
            s.seed = info.seed;
            s.max_success = o.max_success;
            s.time_limit = o.time_limit;
            if (!replay.empty()) s.reproduce = replay.at(e.skipped.name);
            e.search.emplace(inv, o.target, s);
        }
        entries.push_back(std::move(e));
    }
    std::vector<std::optional<Reported>> in_order(entries.size());
    const std::vector<int> goals = replay.empty() ? std::vector<int>{first_round, o.max_success}
                                                  : std::vector<int>{o.max_success};
    for (const int goal : goals) {
        for (std::size_t i = 0; i < entries.size(); ++i) {
            Entry &e = entries[i];
            if (e.reported) continue;
            if (e.search ? !e.search->run(goal, screen) : goal != goals.back()) continue;
            in_order[i] = report(e.search ? e.search->verdict() : e.skipped);
            e.reported = true;
        }
    }
    for (auto &r : in_order) results.push_back(std::move(*r));
    if (o.faults) {
        for (const auto &check : conformance::fault_checks()) {
            Verdict v;
            v.name = "faults: " + std::string(check.name);
            if (!replay.empty()) {
                v.kind = Verdict::Kind::skip;
                v.reason = "not in --reproduce";
            } else {
                set_doing("running " + v.name);
                screen.running(v.name, "injecting faults");
                v = conformance::run_fault_check(check, o.target);
            }
            results.push_back(report(std::move(v)));
        }
    }

    int failed = 0, skipped = 0;
    for (const auto &r : results) {
        failed += r.verdict.kind == Verdict::Kind::fail;
        skipped += r.verdict.kind == Verdict::Kind::skip;
    }
    const int code = failed == 0 ? cli::exit_ok : cli::exit_failure;
    info.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    char summary[200];
    std::snprintf(summary, sizeof summary,
                  "forkcheck: %d of %zu invariants failed, %zu passed, %d skipped (%.1f s)", failed,
                  results.size(), results.size() - failed - skipped, skipped, info.seconds);
    if (!o.json) screen.line(summary);
    // Repeated where a --quiet run or a long report ends.
    if (!o.json && failed > 0 && !info.hint.empty()) screen.line("forkcheck: hint: " + info.hint);
    return finish(results, code, "", "");
}
