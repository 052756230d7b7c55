// SPDX-License-Identifier: MIT
// The command lines are an interface: scripts rely on the values taken, on
// exit code 2 and on one "prog: ..." line that names what was wrong.
#include <sys/socket.h>
#include <unistd.h>

#include <gtest/gtest.h>

#include <algorithm>
#include <climits>
#include <cstdlib>
#include <functional>
#include <initializer_list>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "cli/args.hpp"
#include "cli/tokens.hpp"
#include "client/options.hpp"
#include "server/options.hpp"
#include "sys/fd.hpp"

namespace {

using Args = std::vector<std::string>;

template <class Parse>
auto run(Parse parse, const char *prog, const Args &args) {
    std::vector<const char *> argv{prog};
    for (const auto &a : args) argv.push_back(a.c_str());
    argv.push_back(nullptr);
    return parse(static_cast<int>(argv.size() - 1), argv.data());
}

std::variant<server::Options, cli::Stop> server_args(const Args &args) {
    return run(server::parse_options, "serverfork", args);
}

std::variant<client::Options, cli::Stop> client_args(const Args &args) {
    return run(client::parse_options, "msgclient", args);
}

std::string shown(const Args &args) {
    std::string s;
    for (const auto &a : args) s += " '" + a + "'";
    return s;
}

// The parsed options, or a failure naming the Stop that came instead.
template <class Options>
Options parsed(const std::variant<Options, cli::Stop> &r) {
    if (const auto *stop = std::get_if<cli::Stop>(&r)) {
        ADD_FAILURE() << "stopped with " << stop->exit_code << ": " << stop->text;
        return {};
    }
    return std::get<Options>(r);
}

template <class Options>
testing::AssertionResult is_usage_error(const std::variant<Options, cli::Stop> &r,
                                        std::string_view prog,
                                        std::initializer_list<std::string_view> named) {
    const auto *stop = std::get_if<cli::Stop>(&r);
    if (!stop) return testing::AssertionFailure() << "accepted";
    const std::string &t = stop->text;
    if (stop->exit_code != cli::exit_usage)
        return testing::AssertionFailure() << "exit code " << stop->exit_code << ": " << t;
    if (!t.starts_with(std::string(prog) + ": "))
        return testing::AssertionFailure() << "no '" << prog << ": ' prefix: " << t;
    if (t.empty() || t.back() != '\n' || std::count(t.begin(), t.end(), '\n') != 1)
        return testing::AssertionFailure() << "not exactly one line: " << t;
    for (const auto name : named)
        if (t.find(name) == std::string::npos)
            return testing::AssertionFailure() << "does not name " << name << ": " << t;
    return testing::AssertionSuccess() << t;
}

testing::AssertionResult server_rejects(const Args &args,
                                        std::initializer_list<std::string_view> named) {
    return is_usage_error(server_args(args), "serverfork", named) << " for" << shown(args);
}

testing::AssertionResult client_rejects(const Args &args,
                                        std::initializer_list<std::string_view> named) {
    return is_usage_error(client_args(args), "msgclient", named) << " for" << shown(args);
}

template <class Options>
testing::AssertionResult is_help(const std::variant<Options, cli::Stop> &r,
                                 std::initializer_list<std::string_view> mentions) {
    const auto *stop = std::get_if<cli::Stop>(&r);
    if (!stop) return testing::AssertionFailure() << "no help";
    if (stop->exit_code != cli::exit_ok)
        return testing::AssertionFailure() << "exit code " << stop->exit_code;
    if (!stop->text.starts_with("usage: ") || !stop->text.ends_with('\n'))
        return testing::AssertionFailure() << "not a usage text: " << stop->text;
    for (const auto m : mentions)
        if (stop->text.find(m) == std::string::npos)
            return testing::AssertionFailure() << "usage does not mention " << m;
    return testing::AssertionSuccess();
}

// Each numeric option of serverfork, its range and the field it sets.
struct Numeric {
    std::string name;
    long lo, hi;
    std::function<long(const server::Options &)> field;
};

const std::vector<Numeric> server_numbers = {
    {"port", 0, 65535, [](const server::Options &o) { return long{o.port}; }},
    {"backlog", 1, 65535, [](const server::Options &o) { return long{o.backlog}; }},
    {"max-message", 1, 1048576,
     [](const server::Options &o) { return static_cast<long>(o.max_message); }},
    {"max-children", 1, 65536, [](const server::Options &o) { return long{o.max_children}; }},
    {"max-per-address", 0, 65536, [](const server::Options &o) { return long{o.max_per_address}; }},
    {"idle-timeout", 1, 86400, [](const server::Options &o) { return long{o.idle_timeout_s}; }},
    {"grace", 0, 3600, [](const server::Options &o) { return long{o.grace_s}; }},
    {"log-flush", 0, 60000, [](const server::Options &o) { return long{o.log_flush_ms}; }},
};

const std::vector<std::string> server_option_names = {
    "port",         "bind",         "backlog", "max-message", "reply",     "framing",
    "max-children", "idle-timeout", "grace",   "log-level",   "log-flush", "max-per-address"};

// --- serverfork ---

TEST(ServerOptions, DefaultsWithoutArguments) {
    const auto o = parsed(server_args({}));
    EXPECT_EQ(o.port, 3490);
    EXPECT_EQ(o.bind, "0.0.0.0");
    EXPECT_EQ(o.backlog, 0);  // the system's: backlog_for
    EXPECT_EQ(o.max_message, 199u);
    EXPECT_EQ(o.reply, proto::ReplyMode::hello);
    EXPECT_EQ(o.framing, proto::Framing::line);
    EXPECT_EQ(o.max_children, 64);
    EXPECT_EQ(o.max_per_address, 0);  // no limit
    EXPECT_EQ(o.idle_timeout_s, 300);
    EXPECT_EQ(o.grace_s, 10);
    EXPECT_TRUE(o.log_connections);
    EXPECT_EQ(o.log_flush_ms, -1);
    // Unset, message lines are held 100 ms, but not for a terminal.
    EXPECT_EQ(server::log_flush_ms(o, false), 100);
    EXPECT_EQ(server::log_flush_ms(o, true), 0);
}

TEST(ServerOptions, AGivenLogFlushHoldsEvenForATerminal) {
    for (const bool terminal : {false, true}) {
        EXPECT_EQ(server::log_flush_ms(parsed(server_args({"--log-flush", "7"})), terminal), 7);
        EXPECT_EQ(server::log_flush_ms(parsed(server_args({"--log-flush=0"})), terminal), 0);
    }
}

void expect_all_set(const server::Options &o) {
    EXPECT_EQ(o.port, 8080);
    EXPECT_EQ(o.bind, "::1");
    EXPECT_EQ(o.backlog, 5);
    EXPECT_EQ(o.max_message, 1000u);
    EXPECT_EQ(o.reply, proto::ReplyMode::echo);
    EXPECT_EQ(o.framing, proto::Framing::raw);
    EXPECT_EQ(o.max_children, 3);
    EXPECT_EQ(o.max_per_address, 2);
    EXPECT_EQ(o.idle_timeout_s, 7);
    EXPECT_EQ(o.grace_s, 0);
    EXPECT_FALSE(o.log_connections);
    EXPECT_EQ(o.log_flush_ms, 250);
}

TEST(ServerOptions, EveryOptionAsSeparateValue) {
    expect_all_set(parsed(server_args(
        {"--port",         "8080",   "--bind",         "::1",  "--backlog",         "5",
         "--max-message",  "1000",   "--reply",        "echo", "--framing",         "raw",
         "--max-children", "3",      "--idle-timeout", "7",    "--grace",           "0",
         "--log-level",    "errors", "--log-flush",    "250",  "--max-per-address", "2"})));
}

TEST(ServerOptions, EveryOptionWithEquals) {
    expect_all_set(parsed(server_args(
        {"--port=8080", "--bind=::1", "--backlog=5", "--max-message=1000", "--reply=echo",
         "--framing=raw", "--max-children=3", "--idle-timeout=7", "--grace=0", "--log-level=errors",
         "--log-flush=250", "--max-per-address=2"})));
}

TEST(ServerOptions, ReplyAndFramingDefaultsCanBeGivenExplicitly) {
    auto o = parsed(
        server_args({"--reply=echo", "--framing=raw", "--reply", "hello", "--framing", "line"}));
    EXPECT_EQ(o.reply, proto::ReplyMode::hello);
    EXPECT_EQ(o.framing, proto::Framing::line);
}

TEST(ServerOptions, LastOfARepeatedOptionWins) {
    EXPECT_EQ(parsed(server_args({"--port", "1", "--port=2"})).port, 2);
}

TEST(ServerOptions, NumericLimitsAreInclusive) {
    for (const auto &n : server_numbers) {
        for (const long v : {n.lo, n.hi}) {
            const Args args{"--" + n.name, std::to_string(v)};
            EXPECT_EQ(n.field(parsed(server_args(args))), v) << shown(args);
        }
    }
}

TEST(ServerOptions, NumericLimitsJustOutsideAreRejected) {
    for (const auto &n : server_numbers) {
        for (const long v : {n.lo - 1, n.hi + 1}) {
            const std::string value = std::to_string(v);
            EXPECT_TRUE(server_rejects({"--" + n.name, value}, {"--" + n.name, "'" + value + "'"}));
            EXPECT_TRUE(
                server_rejects({"--" + n.name + "=" + value}, {"--" + n.name, "'" + value + "'"}));
        }
    }
}

TEST(ServerOptions, BadPortsAreRejected) {
    for (const std::string bad :
         {"65536", "-1", "abc", "3490x", "", " 3490", "99999999999999999999"}) {
        EXPECT_TRUE(server_rejects({"--port", bad}, {"--port", "'" + bad + "'"}));
        EXPECT_TRUE(server_rejects({"--port=" + bad}, {"--port", "'" + bad + "'"}));
    }
}

TEST(ServerOptions, BindTakesNumericIpv4AndIpv6Addresses) {
    for (const std::string good : {"::", "127.0.0.1", "::1", "0.0.0.0", "fe80::1"})
        EXPECT_EQ(parsed(server_args({"--bind", good})).bind, good);
}

TEST(ServerOptions, BadBindAddressesAreRejected) {
    for (const std::string bad : {"999.1.1.1", "localhost", "", "1.2.3", "::g", "[::1]"}) {
        EXPECT_TRUE(server_rejects({"--bind", bad}, {"--bind", "'" + bad + "'"}));
        EXPECT_TRUE(server_rejects({"--bind=" + bad}, {"--bind", "'" + bad + "'"}));
    }
}

TEST(ServerOptions, BadReplyModesAreRejected) {
    for (const std::string bad : {"Echo", "HELLO", "", "echo ", "raw"})
        EXPECT_TRUE(server_rejects({"--reply", bad}, {"--reply", "'" + bad + "'"}));
}

TEST(ServerOptions, BadFramingModesAreRejected) {
    for (const std::string bad : {"lines", "RAW", "", "hello"})
        EXPECT_TRUE(server_rejects({"--framing=" + bad}, {"--framing", "'" + bad + "'"}));
}

TEST(ServerOptions, UnknownOptionsAreRejected) {
    EXPECT_TRUE(server_rejects({"--nope"}, {"'--nope'"}));
    EXPECT_TRUE(server_rejects({"--nope=1"}, {"'--nope'"}));
    EXPECT_TRUE(server_rejects({"--Port", "1"}, {"'--Port'"}));
    EXPECT_TRUE(server_rejects({"--timeout", "1"}, {"'--timeout'"}));  // msgclient's, not ours
    EXPECT_TRUE(server_rejects({"-p", "1"}, {"'-p'"}));
    EXPECT_TRUE(server_rejects({"-x"}, {"'-x'"}));
}

TEST(ServerOptions, OptionWithoutItsValueIsRejected) {
    for (const auto &name : server_option_names)
        EXPECT_TRUE(server_rejects({"--" + name}, {"'--" + name + "'"}));
}

TEST(ServerOptions, OperandsAreRejected) {
    EXPECT_TRUE(server_rejects({"extra"}, {"'extra'"}));
    EXPECT_TRUE(server_rejects({"--port", "1", "localhost"}, {"'localhost'"}));
    EXPECT_TRUE(server_rejects({"-"}, {"'-'"}));
}

TEST(ServerOptions, DoubleDashEndsOptions) {
    EXPECT_EQ(parsed(server_args({"--port", "1", "--"})).port, 1);
    EXPECT_TRUE(server_rejects({"--", "--port=1"}, {"'--port=1'"}));
    EXPECT_TRUE(server_rejects({"--", "--help"}, {"'--help'"}));
}

TEST(ServerOptions, HelpShowsEveryOption) {
    for (const Args &args : {Args{"--help"}, Args{"-h"}, Args{"--port", "1", "-h"}})
        EXPECT_TRUE(
            is_help(server_args(args),
                    {"serverfork", "--port", "--bind", "--backlog", "--max-message", "--reply",
                     "--framing", "--max-children", "--max-per-address", "--idle-timeout",
                     "--grace", "--log-level", "--log-flush", "--help", "-h"}))
            << shown(args);
}

// --- msgclient ---

TEST(ClientOptions, DefaultsWithOnlyAHost) {
    const auto o = parsed(client_args({"example.org"}));
    EXPECT_EQ(o.host, "example.org");
    EXPECT_EQ(o.port, 3490);
    EXPECT_EQ(o.framing, proto::Framing::line);
    EXPECT_EQ(o.timeout_s, 10);
}

TEST(ClientOptions, EveryOptionAsSeparateValue) {
    const auto o =
        parsed(client_args({"--port", "8080", "--framing", "raw", "--timeout", "3", "::1"}));
    EXPECT_EQ(o.host, "::1");
    EXPECT_EQ(o.port, 8080);
    EXPECT_EQ(o.framing, proto::Framing::raw);
    EXPECT_EQ(o.timeout_s, 3);
}

TEST(ClientOptions, EveryOptionWithEquals) {
    const auto o = parsed(client_args({"--port=8080", "--framing=raw", "--timeout=3", "h"}));
    EXPECT_EQ(o.host, "h");
    EXPECT_EQ(o.port, 8080);
    EXPECT_EQ(o.framing, proto::Framing::raw);
    EXPECT_EQ(o.timeout_s, 3);
}

TEST(ClientOptions, OptionsMayFollowTheHost) {
    const auto o = parsed(client_args({"h", "--port", "7", "--framing=line"}));
    EXPECT_EQ(o.host, "h");
    EXPECT_EQ(o.port, 7);
    EXPECT_EQ(o.framing, proto::Framing::line);
}

TEST(ClientOptions, NumericLimitsAreInclusive) {
    EXPECT_EQ(parsed(client_args({"--port", "1", "h"})).port, 1);
    EXPECT_EQ(parsed(client_args({"--port", "65535", "h"})).port, 65535);
    EXPECT_EQ(parsed(client_args({"--timeout", "1", "h"})).timeout_s, 1);
    EXPECT_EQ(parsed(client_args({"--timeout", "3600", "h"})).timeout_s, 3600);
}

TEST(ClientOptions, NumericLimitsJustOutsideAreRejected) {
    EXPECT_TRUE(client_rejects({"--port", "0", "h"}, {"--port", "'0'"}));
    EXPECT_TRUE(client_rejects({"--port=65536", "h"}, {"--port", "'65536'"}));
    EXPECT_TRUE(client_rejects({"--timeout", "0", "h"}, {"--timeout", "'0'"}));
    EXPECT_TRUE(client_rejects({"--timeout=3601", "h"}, {"--timeout", "'3601'"}));
}

TEST(ClientOptions, BadPortsAreRejected) {
    for (const std::string bad : {"65536", "-1", "abc", "3490x", "", "0"}) {
        EXPECT_TRUE(client_rejects({"--port", bad, "h"}, {"--port", "'" + bad + "'"}));
        EXPECT_TRUE(client_rejects({"h", "--port=" + bad}, {"--port", "'" + bad + "'"}));
    }
}

TEST(ClientOptions, BadFramingModesAreRejected) {
    for (const std::string bad : {"lines", "RAW", ""})
        EXPECT_TRUE(client_rejects({"--framing", bad, "h"}, {"--framing", "'" + bad + "'"}));
}

TEST(ClientOptions, MissingHostIsRejected) {
    EXPECT_TRUE(client_rejects({}, {"HOST"}));
    EXPECT_TRUE(client_rejects({"--port", "1"}, {"HOST"}));
}

TEST(ClientOptions, TwoHostsAreRejected) {
    EXPECT_TRUE(client_rejects({"first", "second"}, {"'second'"}));
}

TEST(ClientOptions, UnknownOptionsAreRejected) {
    EXPECT_TRUE(client_rejects({"--nope", "h"}, {"'--nope'"}));
    EXPECT_TRUE(client_rejects({"--bind", "::1", "h"}, {"'--bind'"}));  // serverfork's, not ours
    EXPECT_TRUE(client_rejects({"-p", "1", "h"}, {"'-p'"}));
}

TEST(ClientOptions, OptionWithoutItsValueIsRejected) {
    for (const std::string name : {"port", "framing", "timeout"})
        EXPECT_TRUE(client_rejects({"h", "--" + name}, {"'--" + name + "'"}));
}

TEST(ClientOptions, DoubleDashEndsOptions) {
    EXPECT_EQ(parsed(client_args({"--", "-h"})).host, "-h");
    const auto o = parsed(client_args({"--port=5", "--", "--timeout"}));
    EXPECT_EQ(o.host, "--timeout");
    EXPECT_EQ(o.port, 5);
    EXPECT_TRUE(client_rejects({"--", "a", "--port=1"}, {"'--port=1'"}));
}

TEST(ClientOptions, HelpShowsEveryOption) {
    for (const Args &args : {Args{"--help"}, Args{"-h"}, Args{"h", "--help"}})
        EXPECT_TRUE(is_help(client_args(args), {"msgclient", "HOST", "--port", "--framing",
                                                "--timeout", "--help", "-h"}))
            << shown(args);
}

// --- cli::parse_number ---

TEST(ParseNumber, AcceptsWholeDecimalsWithinInclusiveBounds) {
    EXPECT_EQ(cli::parse_number("0", 0, 0), 0);
    EXPECT_EQ(cli::parse_number("5", 5, 10), 5);
    EXPECT_EQ(cli::parse_number("10", 5, 10), 10);
    EXPECT_EQ(cli::parse_number("007", 0, 10), 7);
    EXPECT_EQ(cli::parse_number("-3", -5, 5), -3);
    EXPECT_EQ(cli::parse_number(std::to_string(LONG_MAX), 0, LONG_MAX), LONG_MAX);
    EXPECT_EQ(cli::parse_number(std::to_string(LONG_MIN), LONG_MIN, 0), LONG_MIN);
}

TEST(ParseNumber, RejectsValuesOutsideTheBounds) {
    EXPECT_EQ(cli::parse_number("4", 5, 10), std::nullopt);
    EXPECT_EQ(cli::parse_number("11", 5, 10), std::nullopt);
    EXPECT_EQ(cli::parse_number("-1", 0, 10), std::nullopt);
}

TEST(ParseNumber, RejectsValuesThatOverflowALong) {
    EXPECT_EQ(cli::parse_number("9223372036854775808", 0, LONG_MAX), std::nullopt);
    EXPECT_EQ(cli::parse_number("-9223372036854775809", LONG_MIN, 0), std::nullopt);
    EXPECT_EQ(cli::parse_number("99999999999999999999999", 0, LONG_MAX), std::nullopt);
}

TEST(ParseNumber, RejectsAnythingButDigits) {
    for (const char *bad :
         {"", " ", "-", "+", "+5", " 5", "5 ", "5x", "x5", "0x10", "1e3", "1.0", "5\n", "٥"})
        EXPECT_EQ(cli::parse_number(bad, LONG_MIN, LONG_MAX), std::nullopt) << '"' << bad << '"';
}

TEST(ParseNumber, ReadsOnlyTheGivenView) {
    // A string_view into a longer buffer: the bytes after it are not part of the number.
    const std::string_view digits = std::string_view("123456").substr(0, 3);
    EXPECT_EQ(cli::parse_number(digits, 0, 1000), 123);
}

}  // namespace

namespace {

// Options that take no value (forkcheck's --faults): given or not, never "=x".
std::variant<cli::Tokens, cli::Stop> tokens(const Args &args) {
    return run(
        [](int argc, const char *const *argv) {
            return cli::tokenize("prog", argc, argv, {"seed"}, {"faults", "quiet"});
        },
        "prog", args);
}

}  // namespace

TEST(Tokens, FlagsAreCollectedInOrderAndTakeNoOperand) {
    const auto t = parsed(tokens({"--quiet", "--seed", "4", "--faults", "x"}));
    EXPECT_EQ(t.flags, (std::vector<std::string>{"quiet", "faults"}));
    EXPECT_EQ(t.options, (std::vector<std::pair<std::string, std::string>>{{"seed", "4"}}));
    EXPECT_EQ(t.operands, std::vector<std::string>{"x"});
}

TEST(Tokens, AFlagWithAValueIsAUsageError) {
    EXPECT_TRUE(is_usage_error(tokens({"--faults=yes"}), "prog", {"'--faults'", "no value"}));
}

TEST(Tokens, AFlagAfterDoubleDashIsAnOperand) {
    const auto t = parsed(tokens({"--", "--faults"}));
    EXPECT_TRUE(t.flags.empty());
    EXPECT_EQ(t.operands, std::vector<std::string>{"--faults"});
}

TEST(SetChoice, AWordSetsWhatItStandsFor) {
    enum class Pace { slow, steady, fast };
    Pace p = Pace::slow;
    EXPECT_FALSE(
        cli::set_choice("prog", "pace", "fast",
                        {{"slow", Pace::slow}, {"steady", Pace::steady}, {"fast", Pace::fast}}, p));
    EXPECT_EQ(p, Pace::fast);
}

TEST(SetChoice, AnyOtherWordIsAUsageErrorListingTheWords) {
    enum class Pace { slow, steady, fast };
    Pace p = Pace::steady;
    const auto stop =
        cli::set_choice("prog", "pace", "Fast",
                        {{"slow", Pace::slow}, {"steady", Pace::steady}, {"fast", Pace::fast}}, p);
    ASSERT_TRUE(stop);
    EXPECT_EQ(stop->exit_code, cli::exit_usage);
    EXPECT_EQ(stop->text, "prog: --pace must be slow, steady or fast, not 'Fast'\n");
    EXPECT_EQ(p, Pace::steady);  // left as it was
}

// --- the listen() backlog ---

TEST(Backlog, UnsetIsTheSystemsCapAndAskedIsCappedByIt) {
    EXPECT_EQ(server::backlog_for(0, 4096), 4096);
    EXPECT_EQ(server::backlog_for(5, 4096), 5);
    EXPECT_EQ(server::backlog_for(4096, 4096), 4096);
    EXPECT_EQ(server::backlog_for(65535, 4096), 4096);
    EXPECT_EQ(server::backlog_for(200, 128), 128);
}

TEST(Backlog, SomaxconnIsReadElseTheConstant) {
    char path[] = "/tmp/somaxconn-test-XXXXXX";
    sys::OwnFd fd(::mkstemp(path));
    ASSERT_TRUE(fd.valid());
    ASSERT_EQ(::write(fd.get(), "512\n", 4), 4);
    fd.reset();
    EXPECT_EQ(server::system_somaxconn(path), 512);
    ::unlink(path);
    EXPECT_EQ(server::system_somaxconn(path), SOMAXCONN);         // gone
    EXPECT_EQ(server::system_somaxconn("/dev/null"), SOMAXCONN);  // empty
}

TEST(ServerOptions, MaxPerAddressIsAWholeNumberFromZero) {
    EXPECT_EQ(parsed(server_args({"--max-per-address", "0"})).max_per_address, 0);
    EXPECT_EQ(parsed(server_args({"--max-per-address=8"})).max_per_address, 8);
    for (const std::string bad : {"-1", "65537", "two", "", "1.5"})
        EXPECT_TRUE(
            server_rejects({"--max-per-address", bad}, {"--max-per-address", "'" + bad + "'"}));
    EXPECT_TRUE(server_rejects({"--max-per-address"}, {"--max-per-address"}));
}
