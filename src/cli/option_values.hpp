// Option values for the ipaudit subcommands: one way to read them and to name a bad one.
#pragma once

#include <boost/program_options.hpp>
#include <optional>
#include <stdexcept>
#include <string>

namespace ipaudit::cli {

inline constexpr int kExitOk = 0, kExitFailure = 1, kExitUsage = 2;

// A bad option value; what() starts with the option's name ("--top: ...").
struct UsageError : std::runtime_error {
    using std::runtime_error::runtime_error;
};

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
