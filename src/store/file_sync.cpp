// fsync and stale temporary file removal.
#include "store/file_sync.hpp"

#include <fcntl.h>
#include <signal.h>
#include <unistd.h>

#include <cerrno>
#include <system_error>

namespace ipaudit::store {

namespace fs = std::filesystem;

void sync_path(const fs::path& path, bool directory) {
    const int fd = ::open(path.c_str(), (directory ? O_DIRECTORY : 0) | O_RDONLY | O_CLOEXEC);
    if (fd < 0) throw fs::filesystem_error("cannot open for fsync", path, std::error_code(errno, std::generic_category()));
    const int rc = ::fsync(fd);
    const int err = errno;
    ::close(fd);
    if (rc != 0) throw fs::filesystem_error("cannot fsync", path, std::error_code(err, std::generic_category()));
}

void remove_dead_writers_temp_files(const fs::path& dir, const std::string& prefix) {
    std::error_code ec;
    for (const auto& entry : fs::directory_iterator(dir, ec)) {
        const std::string name = entry.path().filename().string();
        if (name.rfind(prefix, 0) != 0) continue;
        std::string pid_text = name.substr(prefix.size());
        // SQLite's companions of a temporary database go with it.
        for (const char* suffix : {"-journal", "-wal", "-shm"})
            if (pid_text.ends_with(suffix)) pid_text.resize(pid_text.size() - std::char_traits<char>::length(suffix));
        if (pid_text.empty() || pid_text.find_first_not_of("0123456789") != std::string::npos || pid_text.size() > 9) continue;
        const pid_t pid = static_cast<pid_t>(std::stol(pid_text));
        if (pid == ::getpid() || ::kill(pid, 0) == 0 || errno != ESRCH) continue;
        fs::remove(entry.path(), ec);
    }
}

}  // namespace ipaudit::store
