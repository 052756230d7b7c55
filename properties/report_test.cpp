// SPDX-License-Identifier: MIT
// forkcheck's results for machines: the JUnit XML that CI servers read and
// the JSON lines a script reads, checked by parsing them back.
#include <gtest/gtest.h>
#include <tinyxml2.h>

#include <nlohmann/json.hpp>
#include <sstream>

#include "conformance/report.hpp"

namespace {

using conformance::Reported;
using conformance::Verdict;

std::vector<Reported> made_up_results() {
    Verdict pass;
    pass.name = "replies";
    pass.seconds = 1.25;
    pass.cases = 25;
    Verdict fail;
    fail.name = "no-zombies";
    fail.kind = Verdict::Kind::fail;
    fail.seconds = 3.5;
    fail.cases = 2;
    fail.shrinks = 4;
    fail.reason = "zombie children it never reaped (pids 7, 8) <&> \"quoted\"";
    fail.counterexample = {"1 client", "client 0: sends \"hi\" LF"};
    fail.reproduce = "ABC";
    fail.reruns = 3;
    fail.rerun_failures = 1;
    Verdict skip;
    skip.name = "stateful-model";
    skip.kind = Verdict::Kind::skip;
    skip.reason = "not in --reproduce";
    return {{pass, ""}, {fail, "forkcheck --reproduce ABC -- ./server {port}"}, {skip, ""}};
}

conformance::RunInfo made_up_run() {
    conformance::RunInfo run;
    run.server = "./server {port}";
    run.profile = "reference";
    run.seed = 42;
    run.max_success = 25;
    run.seconds = 4.75;
    run.timestamp = "2026-11-30T06:00:00";
    return run;
}

TEST(JUnit, OneTestcasePerInvariantWithItsFailureOrSkip) {
    const std::string xml = conformance::junit_xml(made_up_run(), made_up_results());
    tinyxml2::XMLDocument doc;
    ASSERT_EQ(doc.Parse(xml.c_str()), tinyxml2::XML_SUCCESS) << xml;
    const auto *suites = doc.FirstChildElement("testsuites");
    ASSERT_NE(suites, nullptr);
    const auto *suite = suites->FirstChildElement("testsuite");
    ASSERT_NE(suite, nullptr);
    EXPECT_EQ(suite->IntAttribute("tests"), 3);
    EXPECT_EQ(suite->IntAttribute("failures"), 1);
    EXPECT_EQ(suite->IntAttribute("skipped"), 1);
    EXPECT_EQ(suite->IntAttribute("errors"), 0);
    std::vector<std::string> names;
    for (auto *c = suite->FirstChildElement("testcase"); c; c = c->NextSiblingElement("testcase"))
        names.push_back(c->Attribute("name"));
    EXPECT_EQ(names, (std::vector<std::string>{"replies", "no-zombies", "stateful-model"}));
    const auto *failed = suite->FirstChildElement("testcase")->NextSiblingElement("testcase");
    const auto *failure = failed->FirstChildElement("failure");
    ASSERT_NE(failure, nullptr);
    EXPECT_STREQ(failure->Attribute("message"),
                 "zombie children it never reaped (pids 7, 8) <&> \"quoted\"");
    EXPECT_STREQ(failure->Attribute("type"), "intermittent");
    const std::string text = failure->GetText();
    EXPECT_NE(text.find("client 0: sends \"hi\" LF"), std::string::npos) << text;
    EXPECT_NE(text.find("rerun: forkcheck --reproduce ABC -- ./server {port}"), std::string::npos);
    EXPECT_NE(text.find("failed again on 1 of 3 runs"), std::string::npos);
    EXPECT_STREQ(failed->Attribute("time"), "3.500");
    EXPECT_NE(failed->NextSiblingElement("testcase")->FirstChildElement("skipped"), nullptr);
}

TEST(JUnit, ASetUpErrorIsAnErrorTestcaseWithTheServersStderr) {
    const std::string xml =
        conformance::junit_xml(made_up_run(), {}, "cannot run 'nosuch': No such file", "boom\x01");
    tinyxml2::XMLDocument doc;
    ASSERT_EQ(doc.Parse(xml.c_str()), tinyxml2::XML_SUCCESS) << xml;
    const auto *suite = doc.FirstChildElement("testsuites")->FirstChildElement("testsuite");
    EXPECT_EQ(suite->IntAttribute("errors"), 1);
    const auto *error = suite->FirstChildElement("testcase")->FirstChildElement("error");
    ASSERT_NE(error, nullptr);
    EXPECT_STREQ(error->Attribute("message"), "cannot run 'nosuch': No such file");
    // A control byte is not allowed in XML 1.0: it is written escaped.
    EXPECT_STREQ(error->GetText(), "boom\\x01");
}

TEST(Json, OneObjectPerVerdictThenASummary) {
    const auto results = made_up_results();
    const auto pass = nlohmann::json::parse(conformance::json_verdict(results[0]));
    EXPECT_EQ(pass["invariant"], "replies");
    EXPECT_EQ(pass["verdict"], "PASS");
    EXPECT_EQ(pass["cases"], 25);
    EXPECT_FALSE(pass.contains("reason"));
    const auto fail = nlohmann::json::parse(conformance::json_verdict(results[1]));
    EXPECT_EQ(fail["verdict"], "FAIL");
    EXPECT_EQ(fail["shrinks"], 4);
    EXPECT_EQ(fail["reason"], results[1].verdict.reason);
    EXPECT_EQ(fail["counterexample"][1], "client 0: sends \"hi\" LF");
    EXPECT_EQ(fail["rerun"], "forkcheck --reproduce ABC -- ./server {port}");
    EXPECT_EQ(fail["intermittent"], true);
    const auto skip = nlohmann::json::parse(conformance::json_verdict(results[2]));
    EXPECT_EQ(skip["verdict"], "SKIP");
    EXPECT_EQ(skip["reason"], "not in --reproduce");
    const auto summary =
        nlohmann::json::parse(conformance::json_summary(made_up_run(), results, 1));
    EXPECT_EQ(summary["type"], "summary");
    EXPECT_EQ(summary["passed"], 1);
    EXPECT_EQ(summary["failed"], 1);
    EXPECT_EQ(summary["skipped"], 1);
    EXPECT_EQ(summary["exit"], 1);
    EXPECT_EQ(summary["seed"], 42);
}

TEST(Json, TheSummaryCarriesAProfileHintOnlyWhenThereIsOne) {
    auto run = made_up_run();
    EXPECT_FALSE(nlohmann::json::parse(conformance::json_summary(run, {}, 0)).contains("hint"));
    run.hint = "check it with --profile worksheet";
    EXPECT_EQ(nlohmann::json::parse(conformance::json_summary(run, {}, 1))["hint"],
              "check it with --profile worksheet");
}

TEST(Json, EachObjectIsOneLine) {
    for (const auto &r : made_up_results())
        EXPECT_EQ(conformance::json_verdict(r).find('\n'), std::string::npos);
}

}  // namespace
