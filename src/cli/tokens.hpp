// Splits a command line into long options and operands, the GNU way:
// "--name value" or "--name=value", "--" ends options, "-h" is "--help".
#pragma once

#include <initializer_list>
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

}  // namespace cli
