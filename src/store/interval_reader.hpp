// Opening interval files read-only and checking that they are ours before reading a row.
#pragma once

#include <filesystem>
#include <stdexcept>

#include "store/sqlite.hpp"

namespace ipaudit::store {

// Thrown when a file is not an ipaudit interval file (foreign, corrupt, or a newer schema).
class NotAnIntervalFile : public std::runtime_error {
public:
    using std::runtime_error::runtime_error;
};

// Opens `path` read-only and checks application_id and schema version. Throws
// NotAnIntervalFile or sqlite::Error, each naming the file.
[[nodiscard]] sqlite::Database open_interval_file(const std::filesystem::path& path);

}  // namespace ipaudit::store
