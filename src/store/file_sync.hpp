// Durable, atomic file replacement helpers shared by interval files and rollups.
#pragma once

#include <filesystem>
#include <string>

namespace ipaudit::store {

// fsync a file or directory so a rename cannot reach the disk before the data it names.
// Throws std::filesystem::filesystem_error.
void sync_path(const std::filesystem::path& path, bool directory);

// A writer killed mid-write (kill -9, power loss) leaves DIR/PREFIX<PID> behind; once that
// process is gone the file is garbage. Removes such files of `dir` whose name starts with
// `prefix` followed only by the digits of a process id that no longer exists (and SQLite's
// -journal, -wal and -shm files of such a file).
void remove_dead_writers_temp_files(const std::filesystem::path& dir, const std::string& prefix);

}  // namespace ipaudit::store
