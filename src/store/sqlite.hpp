// RAII over the SQLite C API: a connection, prepared statements and a transaction guard.
#pragma once

#include <sqlite3.h>

#include <cstdint>
#include <filesystem>
#include <memory>
#include <span>
#include <stdexcept>
#include <string>
#include <string_view>

namespace ipaudit::sqlite {

// Every failure of the store: what() says what was attempted, on which file, and SQLite's reason.
class Error : public std::runtime_error {
public:
    Error(const std::string& what, int code) : std::runtime_error(what), code_(code) {}
    [[nodiscard]] int code() const noexcept { return code_; }

private:
    int code_;
};

// A URI that opens `path` read-only, for ATTACH (every Database allows URI names).
[[nodiscard]] std::string read_only_uri(const std::filesystem::path& path);

class Database {
public:
    enum class Mode { kReadOnly, kCreate };

    // Throws Error naming `path`.
    Database(const std::filesystem::path& path, Mode mode);

    // Runs one or more statements with no results.
    void exec(std::string_view sql);
    [[nodiscard]] sqlite3* get() const noexcept { return db_.get(); }
    [[nodiscard]] const std::filesystem::path& path() const noexcept { return path_; }
    // Closes now, reporting errors (the destructor closes silently).
    void close();

    // "<context> <path>: <sqlite message>", the form of every store error.
    [[nodiscard]] Error error(std::string_view context) const;

private:
    struct Closer {
        void operator()(sqlite3* db) const noexcept { sqlite3_close_v2(db); }
    };
    std::unique_ptr<sqlite3, Closer> db_;
    std::filesystem::path path_;
};

class Statement {
public:
    Statement(Database& db, std::string_view sql);

    Statement& bind(int index, std::int64_t value);
    Statement& bind(int index, std::uint64_t value);  // stored as INTEGER; values > INT64_MAX throw
    Statement& bind(int index, std::string_view text);
    Statement& bind_blob(int index, std::span<const std::uint8_t> blob);
    // Binds without copying: `blob`/`text` must stay valid until the statement is stepped.
    Statement& bind_blob_static(int index, std::span<const std::uint8_t> blob);
    Statement& bind_text_static(int index, std::string_view text);
    Statement& bind_null(int index);

    // Returns true while there is a row; false when done. Throws on error.
    bool step();
    // Runs a statement that returns no rows, then resets it for reuse.
    void run();
    // Like run(), keeping the bindings (for loops that rebind every parameter anyway).
    void run_keep_bindings();
    void reset();

    [[nodiscard]] std::int64_t column_int(int col) const noexcept { return sqlite3_column_int64(stmt_.get(), col); }
    [[nodiscard]] bool column_is_null(int col) const noexcept { return sqlite3_column_type(stmt_.get(), col) == SQLITE_NULL; }
    [[nodiscard]] std::string_view column_text(int col) const noexcept;
    [[nodiscard]] std::span<const std::uint8_t> column_blob(int col) const noexcept;

private:
    struct Finalizer {
        void operator()(sqlite3_stmt* s) const noexcept { sqlite3_finalize(s); }
    };
    Database* db_;
    std::unique_ptr<sqlite3_stmt, Finalizer> stmt_;
};

// Rolls back unless commit() was called.
class Transaction {
public:
    explicit Transaction(Database& db);
    Transaction(const Transaction&) = delete;
    Transaction& operator=(const Transaction&) = delete;
    ~Transaction();
    void commit();

private:
    Database* db_;
    bool done_ = false;
};

}  // namespace ipaudit::sqlite
