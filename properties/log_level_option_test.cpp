// SPDX-License-Identifier: MIT
// --log-level: the per-connection logs can
// be turned off, the default keeps every line the worksheet asks for.
#include <gtest/gtest.h>

#include <string>
#include <variant>
#include <vector>

#include "server/options.hpp"

namespace {

std::variant<server::Options, cli::Stop> parse(std::vector<std::string> args) {
    std::vector<const char *> argv{"serverfork"};
    for (const auto &a : args) argv.push_back(a.c_str());
    argv.push_back(nullptr);
    return server::parse_options(static_cast<int>(argv.size() - 1), argv.data());
}

bool logs_connections(std::vector<std::string> args) {
    return std::get<server::Options>(parse(std::move(args))).log_connections;
}

TEST(LogLevelOption, LogLevelDefaultsToAll) { EXPECT_TRUE(logs_connections({})); }

TEST(LogLevelOption, LogLevelTakesAllAndErrors) {
    EXPECT_FALSE(logs_connections({"--log-level", "errors"}));
    EXPECT_FALSE(logs_connections({"--log-level=errors"}));
    EXPECT_TRUE(logs_connections({"--log-level", "all"}));
    EXPECT_TRUE(logs_connections({"--log-level=errors", "--log-level=all"}));
}

TEST(LogLevelOption, BadLogLevelIsOneUsageLineNamingIt) {
    for (const std::string bad : {"", "ALL", "none", "quiet", "error"}) {
        const auto r = parse({"--log-level", bad});
        const auto *stop = std::get_if<cli::Stop>(&r);
        ASSERT_NE(stop, nullptr) << bad;
        EXPECT_EQ(stop->exit_code, cli::exit_usage);
        EXPECT_EQ(stop->text, "serverfork: --log-level must be all or errors, not '" + bad + "'\n");
    }
}

TEST(LogLevelOption, LogLevelNeedsAValue) {
    const auto r = parse({"--log-level"});
    ASSERT_TRUE(std::holds_alternative<cli::Stop>(r));
    EXPECT_EQ(std::get<cli::Stop>(r).exit_code, cli::exit_usage);
}

TEST(LogLevelOption, HelpShowsLogLevel) {
    const auto r = parse({"--help"});
    ASSERT_TRUE(std::holds_alternative<cli::Stop>(r));
    EXPECT_NE(std::get<cli::Stop>(r).text.find("--log-level LEVEL"), std::string::npos);
}

}  // namespace
