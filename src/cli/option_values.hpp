// Option values for the ipaudit subcommands: one way to read them and to name a bad one.
#pragma once

#include <algorithm>
#include <boost/program_options.hpp>
#include <optional>
#include <stdexcept>
#include <string>
#include <vector>

namespace ipaudit::cli {

inline constexpr int kExitOk = 0, kExitFailure = 1, kExitUsage = 2;

// A bad option value; what() starts with the option's name ("--top: ...").
struct UsageError : std::runtime_error {
    using std::runtime_error::runtime_error;
};

// The message of a Boost.Program_options error about `args`. Boost fills the option name and
// value into its message template and repeats each replacement until the placeholder is gone,
// so an argument that itself holds one ("--top=%value%", "--x%canonical_option%") makes what()
// loop forever: with a '%' in the arguments the message names the option without quoting them.
[[nodiscard]] inline std::string usage_message(const boost::program_options::error& e, const std::vector<std::string>& args) {
    const bool percent = std::any_of(args.begin(), args.end(), [](const std::string& a) { return a.find('%') != std::string::npos; });
    if (!percent) return e.what();
    if (const auto* named = dynamic_cast<const boost::program_options::error_with_option_name*>(&e))
        return "option '" + named->get_option_name() + "': unknown option or invalid value";
    return "unknown option or invalid value";
}

[[nodiscard]] inline std::optional<std::string> get(const boost::program_options::variables_map& vm, const char* name) {
    if (!vm.count(name)) return std::nullopt;
    return vm[name].as<std::string>();
}

// Runs `parse` on the option's value when given, naming the option in any error.
template <typename Parse>
void with_option(const boost::program_options::variables_map& vm, const char* name, Parse parse) {
    const auto value = get(vm, name);
    if (!value) return;
    try {
        parse(*value);
    } catch (const std::invalid_argument& e) {
        throw UsageError(std::string("--") + name + ": " + e.what());
    }
}

}  // namespace ipaudit::cli
