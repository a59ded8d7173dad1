// SQLite RAII wrappers.
#include "store/sqlite.hpp"

#include <cctype>
#include <cstring>
#include <limits>

namespace ipaudit::sqlite {

Database::Database(const std::filesystem::path& path, Mode mode) : path_(path) {
    const int flags = mode == Mode::kReadOnly ? SQLITE_OPEN_READONLY
                                              : SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE;
    sqlite3* raw = nullptr;
    // URI names are allowed so that ATTACH can open a file read-only ("file:...?mode=ro"); a
    // plain path never starts with "file:" here (callers pass absolute or ./ paths).
    const int rc = sqlite3_open_v2(path.c_str(), &raw, flags | SQLITE_OPEN_NOMUTEX | SQLITE_OPEN_URI, nullptr);
    db_.reset(raw);  // a handle is returned even on failure and must be closed
    if (rc != SQLITE_OK) {
        const std::string msg = raw ? sqlite3_errmsg(raw) : sqlite3_errstr(rc);
        throw Error("cannot open " + path.string() + ": " + msg, rc);
    }
    sqlite3_extended_result_codes(raw, 1);
}

std::string read_only_uri(const std::filesystem::path& path) {
    // RFC 3986 percent-encoding of everything but unreserved characters and '/'.
    static constexpr char kHex[] = "0123456789ABCDEF";
    std::string uri = "file:";
    for (const unsigned char c : path.string()) {
        if (std::isalnum(c) || c == '/' || c == '-' || c == '_' || c == '.' || c == '~') {
            uri += static_cast<char>(c);
        } else {
            uri += '%';
            uri += kHex[c >> 4];
            uri += kHex[c & 15];
        }
    }
    return uri + "?mode=ro";
}

void Database::exec(std::string_view sql) {
    const std::string text(sql);
    if (sqlite3_exec(db_.get(), text.c_str(), nullptr, nullptr, nullptr) != SQLITE_OK) throw error("cannot run SQL on");
}

void Database::close() {
    if (!db_) return;
    if (sqlite3_close(db_.get()) != SQLITE_OK) throw error("cannot close");
    (void)db_.release();
}

Error Database::error(std::string_view context) const {
    std::string message = std::string(context) + " " + path_.string() + ": " + sqlite3_errmsg(db_.get());
    // SQLite's own words ("unable to open database file", "disk I/O error") hide the reason a
    // sysadmin can act on: read-only file system, no space, permission denied.
    if (const int os_error = sqlite3_system_errno(db_.get()); os_error != 0)
        message += std::string(" (") + std::strerror(os_error) + ")";
    return Error(message, sqlite3_extended_errcode(db_.get()));
}

Statement::Statement(Database& db, std::string_view sql) : db_(&db) {
    sqlite3_stmt* raw = nullptr;
    if (sqlite3_prepare_v2(db.get(), sql.data(), static_cast<int>(sql.size()), &raw, nullptr) != SQLITE_OK)
        throw db.error("cannot prepare a statement for");
    stmt_.reset(raw);
}

Statement& Statement::bind(int index, std::int64_t value) {
    if (sqlite3_bind_int64(stmt_.get(), index, value) != SQLITE_OK) throw db_->error("cannot bind a value for");
    return *this;
}

Statement& Statement::bind(int index, std::uint64_t value) {
    if (value > static_cast<std::uint64_t>(std::numeric_limits<std::int64_t>::max()))
        throw Error("counter too large for SQLite INTEGER in " + db_->path().string(), SQLITE_RANGE);
    return bind(index, static_cast<std::int64_t>(value));
}

Statement& Statement::bind(int index, std::string_view text) {
    if (sqlite3_bind_text(stmt_.get(), index, text.data(), static_cast<int>(text.size()), SQLITE_TRANSIENT) != SQLITE_OK)
        throw db_->error("cannot bind text for");
    return *this;
}

Statement& Statement::bind_blob(int index, std::span<const std::uint8_t> blob) {
    if (sqlite3_bind_blob(stmt_.get(), index, blob.data(), static_cast<int>(blob.size()), SQLITE_TRANSIENT) != SQLITE_OK)
        throw db_->error("cannot bind a blob for");
    return *this;
}

Statement& Statement::bind_blob_static(int index, std::span<const std::uint8_t> blob) {
    if (sqlite3_bind_blob(stmt_.get(), index, blob.data(), static_cast<int>(blob.size()), SQLITE_STATIC) != SQLITE_OK)
        throw db_->error("cannot bind a blob for");
    return *this;
}

Statement& Statement::bind_text_static(int index, std::string_view text) {
    if (sqlite3_bind_text(stmt_.get(), index, text.data(), static_cast<int>(text.size()), SQLITE_STATIC) != SQLITE_OK)
        throw db_->error("cannot bind text for");
    return *this;
}

Statement& Statement::bind_null(int index) {
    if (sqlite3_bind_null(stmt_.get(), index) != SQLITE_OK) throw db_->error("cannot bind NULL for");
    return *this;
}

bool Statement::step() {
    const int rc = sqlite3_step(stmt_.get());
    if (rc == SQLITE_ROW) return true;
    if (rc == SQLITE_DONE) return false;
    throw db_->error("cannot step a statement on");
}

void Statement::run() {
    while (step()) {
    }
    reset();
}

void Statement::run_keep_bindings() {
    while (step()) {
    }
    sqlite3_reset(stmt_.get());
}

void Statement::reset() {
    sqlite3_reset(stmt_.get());
    sqlite3_clear_bindings(stmt_.get());
}

std::string_view Statement::column_text(int col) const noexcept {
    const auto* text = sqlite3_column_text(stmt_.get(), col);
    const int n = sqlite3_column_bytes(stmt_.get(), col);
    if (text == nullptr) return {};
    return {reinterpret_cast<const char*>(text), static_cast<std::size_t>(n)};
}

std::span<const std::uint8_t> Statement::column_blob(int col) const noexcept {
    const auto* blob = static_cast<const std::uint8_t*>(sqlite3_column_blob(stmt_.get(), col));
    const int n = sqlite3_column_bytes(stmt_.get(), col);
    if (blob == nullptr) return {};
    return {blob, static_cast<std::size_t>(n)};
}

Transaction::Transaction(Database& db) : db_(&db) { db.exec("BEGIN"); }

Transaction::~Transaction() {
    if (!done_) sqlite3_exec(db_->get(), "ROLLBACK", nullptr, nullptr, nullptr);
}

void Transaction::commit() {
    db_->exec("COMMIT");
    done_ = true;
}

}  // namespace ipaudit::sqlite
