// SPDX-License-Identifier: MIT
// Splits a command line into long options and operands, the GNU way:
// "--name value" or "--name=value", "--" ends options, "-h" is "--help";
// "--version" stops with "PROG VERSION" (exit 0).
#pragma once

#include <initializer_list>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <variant>
#include <vector>

#include "cli/args.hpp"

namespace cli {

struct Tokens {
    std::vector<std::pair<std::string, std::string>> options;  // in order given
    std::vector<std::string> operands;
    std::vector<std::string> flags;  // given options that take no value
    bool help = false;
};

// Every option named in with_value takes a value, every one in flags takes
// none; anything else is an error.
std::variant<Tokens, Stop> tokenize(std::string_view prog, int argc, const char *const argv[],
                                    std::initializer_list<std::string_view> with_value,
                                    std::initializer_list<std::string_view> flags = {});

// "prog: --name must be WHAT, not 'value'" as a usage Stop.
Stop bad_value(std::string_view prog, std::string_view name, std::string_view what,
               std::string_view value);

// A usage Stop naming the first operand, if there is one.
std::optional<Stop> no_operands(std::string_view prog, const Tokens &t);

// Sets field to value, a whole number in [lo, hi]; else a usage Stop saying
// "--name must be a number from lo to hi".
template <class Field>
std::optional<Stop> set_number(std::string_view prog, std::string_view name, std::string_view value,
                               long lo, long hi, Field &field) {
    if (const auto v = parse_number(value, lo, hi)) {
        field = static_cast<Field>(*v);
        return std::nullopt;
    }
    return bad_value(prog, name,
                     "a number from " + std::to_string(lo) + " to " + std::to_string(hi), value);
}

// Sets field to what the word value stands for among choices; else a usage
// Stop saying "--name must be A, B or C".
template <class Field>
std::optional<Stop> set_choice(std::string_view prog, std::string_view name, std::string_view value,
                               std::initializer_list<std::pair<std::string_view, Field>> choices,
                               Field &field) {
    std::string words;
    std::size_t i = 0;
    for (const auto &[word, meaning] : choices) {
        if (word == value) {
            field = meaning;
            return std::nullopt;
        }
        words += i == 0 ? "" : (i + 1 == choices.size() ? " or " : ", ");
        words += word;
        ++i;
    }
    return bad_value(prog, name, words, value);
}

}  // namespace cli
