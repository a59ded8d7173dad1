// Interval file validation on open.
#include "store/interval_reader.hpp"

#include "store/schema.hpp"

namespace ipaudit::store {

sqlite::Database open_interval_file(const std::filesystem::path& path) {
    std::error_code ec;
    const auto status = std::filesystem::status(path, ec);
    if (!std::filesystem::exists(status)) throw NotAnIntervalFile(path.string() + ": no such file");
    if (!std::filesystem::is_regular_file(status)) throw NotAnIntervalFile(path.string() + ": not a regular file");
    sqlite::Database db(path, sqlite::Database::Mode::kReadOnly);
    std::int64_t app_id = 0;
    std::int64_t version = 0;
    try {
        sqlite::Statement app(db, "PRAGMA application_id");
        if (app.step()) app_id = app.column_int(0);
        sqlite::Statement ver(db, "PRAGMA user_version");
        if (ver.step()) version = ver.column_int(0);
    } catch (const sqlite::Error& e) {
        throw NotAnIntervalFile(path.string() + ": not an ipaudit interval file (" + e.what() + ")");
    }
    if (app_id != kApplicationId) throw NotAnIntervalFile(path.string() + ": not an ipaudit interval file");
    if (version < 1 || version > kSchemaVersion)
        throw NotAnIntervalFile(path.string() + ": interval schema version " + std::to_string(version) +
                                " is not supported (this program reads 1.." + std::to_string(kSchemaVersion) + ")");
    return db;
}

}  // namespace ipaudit::store
