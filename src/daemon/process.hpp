// Unix daemon plumbing: detaching, the pid file, and dropping root after the capture is open.
#pragma once

#include <filesystem>
#include <stdexcept>
#include <string>

namespace ipaudit {

class ProcessError : public std::runtime_error {
public:
    using std::runtime_error::runtime_error;
};

// Forks twice, starts a new session, chdir("/"), stdio to /dev/null. The calling process waits
// and exits only when the detached one calls detach_finished() with the returned descriptor
// (exit 0: pid file written, capture running) or exits first (exit 1), so that the shell's exit
// status means something. Throws ProcessError.
[[nodiscard]] int detach_from_terminal();
// Releases the waiting original process (see detach_from_terminal); -1 is ignored.
void detach_finished(int ready_fd) noexcept;

// A pid file held under an exclusive lock for the life of the process; removed on destruction.
class PidFile {
public:
    PidFile() = default;
    // Throws ProcessError if another process holds the lock (naming its pid), if `path` is a
    // symbolic link or not a regular file with one link, or on I/O errors.
    explicit PidFile(const std::filesystem::path& path);
    // Writes the current pid again: after detach_from_terminal(), whose child inherits the lock.
    void write_pid();
    PidFile(PidFile&& other) noexcept;
    PidFile& operator=(PidFile&& other) noexcept;
    PidFile(const PidFile&) = delete;
    PidFile& operator=(const PidFile&) = delete;
    ~PidFile();

private:
    void release() noexcept;

    std::filesystem::path path_;
    int fd_ = -1;
};

// Makes `dir` and DIR/intervals exist, owned by `user` when one is given. Directories it creates
// get mode 0750; existing ones keep theirs. Throws ProcessError.
void prepare_data_dir(const std::filesystem::path& dir, const std::string& user);

// Empty when the calling process may create files in `dir`; otherwise the reason (strerror).
[[nodiscard]] std::string write_problem(const std::filesystem::path& dir);
// The effective user's name (or "uid N"), for messages about permissions.
[[nodiscard]] std::string effective_user_name();

// Whether this process can open a live capture: CAP_NET_RAW in its effective set (root has it
// unless it was taken away). After drop_privileges() to a user other than root it has not.
[[nodiscard]] bool has_capture_privilege();

// setgroups/setgid/setuid to `user`, then checks that root cannot be regained. Throws ProcessError.
void drop_privileges(const std::string& user);

}  // namespace ipaudit
