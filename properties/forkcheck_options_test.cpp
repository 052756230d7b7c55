// SPDX-License-Identifier: MIT
// forkcheck's command line: defaults, ranges, and the one-line usage errors.
#include <gtest/gtest.h>

#include <variant>

#include "forkcheck/options.hpp"

namespace {

std::variant<forkcheck::Options, cli::Stop> parse(std::vector<const char *> args) {
    args.insert(args.begin(), "forkcheck");
    return forkcheck::parse_options(static_cast<int>(args.size()), args.data());
}

TEST(ForkcheckOptions, DefaultsAndTheServerCommandAsGiven) {
    const auto r = parse({"--", "python3", "my server.py", "{port}"});
    ASSERT_TRUE(std::holds_alternative<forkcheck::Options>(r));
    const auto &o = std::get<forkcheck::Options>(r);
    EXPECT_EQ(o.target.command, (std::vector<std::string>{"python3", "my server.py", "{port}"}));
    EXPECT_EQ(o.target.fixed_port, 0);
    EXPECT_EQ(o.target.start_timeout, std::chrono::seconds(5));
    EXPECT_EQ(o.max_success, 25);
    EXPECT_FALSE(o.seed.has_value());
    EXPECT_FALSE(o.json || o.quiet || o.faults);
}

TEST(ForkcheckOptions, WithoutPortInTheCommandTheServerListensOnPort) {
    const auto r = parse({"--port", "4000", "--", "./srv"});
    const auto &o = std::get<forkcheck::Options>(r);
    EXPECT_EQ(o.target.fixed_port, 4000);
    EXPECT_EQ(std::get<forkcheck::Options>(parse({"--", "./srv"})).target.fixed_port, 3490);
}

TEST(ForkcheckOptions, OutputsAndTimes) {
    const auto r = parse({"-q", "--json", "--junit", "out.xml", "--start-timeout", "2", "--seed",
                          "7", "--", "./srv", "{port}"});
    const auto &o = std::get<forkcheck::Options>(r);
    EXPECT_TRUE(o.quiet);
    EXPECT_TRUE(o.json);
    EXPECT_EQ(o.junit, "out.xml");
    EXPECT_EQ(o.target.start_timeout, std::chrono::seconds(2));
    EXPECT_EQ(o.seed, 7u);
}

TEST(ForkcheckOptions, BadInputIsOneLineAndExitStatus2) {
    for (const auto &args :
         std::vector<std::vector<const char *>>{{"--start-timeout", "0", "--", "./srv"},
                                                {"--profile", "student", "--", "./srv"},
                                                {"--max-success", "x", "--", "./srv"},
                                                {"--junit="},
                                                {"--nope", "--", "./srv"},
                                                {}}) {
        const auto r = parse(args);
        ASSERT_TRUE(std::holds_alternative<cli::Stop>(r));
        const auto &stop = std::get<cli::Stop>(r);
        EXPECT_EQ(stop.exit_code, 2);
        EXPECT_TRUE(stop.text.starts_with("forkcheck: ")) << stop.text;
        EXPECT_EQ(stop.text.find('\n'), stop.text.size() - 1) << stop.text;
    }
}

TEST(ForkcheckOptions, HelpSaysPathAndNoShellAndTheExitStatuses) {
    const auto r = parse({"--help"});
    const auto &stop = std::get<cli::Stop>(r);
    EXPECT_EQ(stop.exit_code, 0);
    EXPECT_NE(stop.text.find("searched on PATH"), std::string::npos);
    EXPECT_NE(stop.text.find("never through a shell"), std::string::npos);
    EXPECT_NE(stop.text.find("3 if the server cannot be started"), std::string::npos);
}

TEST(ShellWord, QuotesOnlyWhatAShellWouldSplitOrExpand) {
    EXPECT_EQ(forkcheck::shell_word("./srv"), "./srv");
    EXPECT_EQ(forkcheck::shell_word("{port}"), "{port}");
    EXPECT_EQ(forkcheck::shell_word("a b"), "'a b'");
    EXPECT_EQ(forkcheck::shell_word("it's"), "'it'\\''s'");
    EXPECT_EQ(forkcheck::shell_word(""), "''");
}

}  // namespace
