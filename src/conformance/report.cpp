// SPDX-License-Identifier: MIT
#include "conformance/report.hpp"

#include <tinyxml2.h>

#include <cstdio>
#include <nlohmann/json.hpp>

namespace conformance {
namespace {

int count(const std::vector<Reported> &results, Verdict::Kind k) {
    int n = 0;
    for (const auto &r : results) n += r.verdict.kind == k;
    return n;
}

std::string seconds(double s) {
    char buf[32];
    std::snprintf(buf, sizeof buf, "%.3f", s);
    return buf;
}

// Text a server sent may hold bytes XML 1.0 does not allow (controls) or
// that are not UTF-8: those are written as \xNN.
std::string xml_safe(const std::string &s) {
    std::string out;
    for (unsigned char c : s) {
        if ((c < 0x20 && c != '\n' && c != '\t') || c >= 0x7f) {
            char buf[8];
            std::snprintf(buf, sizeof buf, "\\x%02x", c);
            out += buf;
        } else {
            out += static_cast<char>(c);
        }
    }
    return out;
}

std::string joined(const std::vector<std::string> &lines) {
    std::string s;
    for (const auto &l : lines) s += l + "\n";
    return s;
}

// What a failure's text holds: the counterexample, how often it failed
// again, and the command that replays it.
std::string failure_text(const Reported &r) {
    const Verdict &v = r.verdict;
    std::string s = "minimal case (" + std::to_string(v.shrinks) + " shrinking steps):\n" +
                    joined(v.counterexample);
    if (v.reruns > 0)
        s += "failed again on " + std::to_string(v.rerun_failures) + " of " +
             std::to_string(v.reruns) + " runs of the minimal case\n";
    if (!r.rerun.empty()) s += "rerun: " + r.rerun + "\n";
    return s;
}

}  // namespace

std::string junit_xml(const RunInfo &run, const std::vector<Reported> &results,
                      const std::string &setup_error, const std::string &setup_stderr) {
    tinyxml2::XMLPrinter out;
    out.PushHeader(false, true);
    const int failures = count(results, Verdict::Kind::fail);
    const int skipped = count(results, Verdict::Kind::skip);
    const int tests = setup_error.empty() ? static_cast<int>(results.size()) : 1;
    out.OpenElement("testsuites");
    out.PushAttribute("name", "forkcheck");
    out.PushAttribute("tests", tests);
    out.PushAttribute("failures", failures);
    out.PushAttribute("errors", setup_error.empty() ? 0 : 1);
    out.PushAttribute("skipped", skipped);
    out.PushAttribute("time", seconds(run.seconds).c_str());
    out.OpenElement("testsuite");
    out.PushAttribute("name", xml_safe("forkcheck " + run.server).c_str());
    out.PushAttribute("tests", tests);
    out.PushAttribute("failures", failures);
    out.PushAttribute("errors", setup_error.empty() ? 0 : 1);
    out.PushAttribute("skipped", skipped);
    out.PushAttribute("time", seconds(run.seconds).c_str());
    if (!run.timestamp.empty()) out.PushAttribute("timestamp", run.timestamp.c_str());
    out.OpenElement("properties");
    const std::pair<const char *, std::string> props[] = {
        {"server", run.server},
        {"profile", run.profile},
        {"seed", std::to_string(run.seed)},
        {"max-success", std::to_string(run.max_success)},
        {"hint", run.hint}};
    for (const auto &[name, value] : props) {
        if (value.empty()) continue;
        out.OpenElement("property");
        out.PushAttribute("name", name);
        out.PushAttribute("value", xml_safe(value).c_str());
        out.CloseElement();
    }
    out.CloseElement();
    const std::string classname = "forkcheck." + run.profile;
    if (!setup_error.empty()) {
        out.OpenElement("testcase");
        out.PushAttribute("name", "set-up");
        out.PushAttribute("classname", classname.c_str());
        out.PushAttribute("time", seconds(run.seconds).c_str());
        out.OpenElement("error");
        out.PushAttribute("message", xml_safe(setup_error).c_str());
        out.PushAttribute("type", "set-up error");
        out.PushText(xml_safe(setup_stderr).c_str());
        out.CloseElement();
        out.CloseElement();
    }
    for (const auto &r : results) {
        const Verdict &v = r.verdict;
        out.OpenElement("testcase");
        out.PushAttribute("name", v.name.c_str());
        out.PushAttribute("classname", classname.c_str());
        out.PushAttribute("time", seconds(v.seconds).c_str());
        if (v.kind == Verdict::Kind::fail) {
            out.OpenElement("failure");
            out.PushAttribute("message", xml_safe(v.reason).c_str());
            out.PushAttribute("type", v.intermittent() ? "intermittent" : "invariant violated");
            out.PushText(xml_safe(failure_text(r)).c_str());
            out.CloseElement();
        } else if (v.kind == Verdict::Kind::skip) {
            out.OpenElement("skipped");
            out.PushAttribute("message", xml_safe(v.reason).c_str());
            out.CloseElement();
        }
        out.CloseElement();
    }
    out.CloseElement();
    out.CloseElement();
    return out.CStr();
}

std::string json_verdict(const Reported &r) {
    const Verdict &v = r.verdict;
    nlohmann::ordered_json j = {
        {"type", "invariant"},  {"invariant", v.name}, {"verdict", kind_name(v.kind)},
        {"seconds", v.seconds}, {"cases", v.cases},    {"shrinks", v.shrinks}};
    if (v.kind != Verdict::Kind::pass) j["reason"] = v.reason;
    if (v.replayed) j["replayed"] = true;
    if (v.kind == Verdict::Kind::fail) {
        j["counterexample"] = v.counterexample;
        j["intermittent"] = v.intermittent();
        j["reruns"] = v.reruns;
        j["rerun_failures"] = v.rerun_failures;
        j["rerun"] = r.rerun;
    }
    // Bytes a server sent are escaped before they get here; replace rather
    // than throw on anything that is still not UTF-8.
    return j.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

std::string json_summary(const RunInfo &run, const std::vector<Reported> &results, int exit_code) {
    nlohmann::ordered_json j = {{"type", "summary"},
                                {"server", run.server},
                                {"profile", run.profile},
                                {"seed", run.seed},
                                {"passed", count(results, Verdict::Kind::pass)},
                                {"failed", count(results, Verdict::Kind::fail)},
                                {"skipped", count(results, Verdict::Kind::skip)},
                                {"seconds", run.seconds},
                                {"exit", exit_code}};
    if (!run.hint.empty()) j["hint"] = run.hint;
    return j.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

std::string json_setup_error(const std::string &message, const std::string &server_stderr,
                             int exit_code) {
    nlohmann::ordered_json j = {{"type", "setup-error"},
                                {"message", message},
                                {"stderr", server_stderr},
                                {"exit", exit_code}};
    return j.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

}  // namespace conformance
