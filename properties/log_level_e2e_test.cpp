// SPDX-License-Identifier: MIT
// --log-level errors: the same replies, no per-connection lines,
// and the start and stop lines still there.
#include <signal.h>

#include <gtest/gtest.h>

#include <chrono>

#include "e2e_helpers.hpp"
#include "probe/test_client.hpp"

using namespace std::chrono_literals;

TEST(LogLevelE2E, ErrorsLevelServesTheSameAndLogsNoConnection) {
    auto server = e2e::start_server({"--log-level", "errors"});
    {
        probe::TestClient c(server.port());
        ASSERT_TRUE(c.send("hello\nquit\n"));
        EXPECT_EQ(c.read_line(), "Hello, World!");
        EXPECT_EQ(c.read_line(), "Goodbye, 127.0.0.1");
        EXPECT_TRUE(c.closed_by_server());
    }
    EXPECT_TRUE(server.childless_within(10s));
    ASSERT_EQ(server.process().signal(SIGTERM), 0);
    EXPECT_EQ(server.process().exit_code(10s), 0);
    EXPECT_TRUE(server.out_contains("Server: listening on"));
    EXPECT_TRUE(server.out_contains("Server: stopped"));
    EXPECT_EQ(server.out().find("got connection"), std::string::npos) << server.out();
    EXPECT_EQ(server.out().find("Server: child "), std::string::npos) << server.out();
    EXPECT_EQ(server.err(), "");
}
