// Daemon process plumbing.
#include "daemon/process.hpp"

#include <fcntl.h>
#include <grp.h>
#include <pwd.h>
#include <sys/file.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>

namespace ipaudit {

namespace {

std::string errno_text() { return std::strerror(errno); }

struct UserIds {
    uid_t uid;
    gid_t gid;
};

UserIds lookup_user(const std::string& user) {
    errno = 0;
    const passwd* pw = getpwnam(user.c_str());
    if (pw == nullptr) throw ProcessError("--user " + user + ": no such user");
    return {pw->pw_uid, pw->pw_gid};
}

}  // namespace

int detach_from_terminal() {
    int ready[2];
    if (pipe2(ready, O_CLOEXEC) != 0) throw ProcessError("pipe: " + errno_text());
    pid_t pid = fork();
    if (pid < 0) throw ProcessError("fork: " + errno_text());
    if (pid > 0) {
        // The caller's process: return to the shell once the daemon is set up (exit 0), or when
        // it exits before that (exit 1; its error went to the log).
        close(ready[1]);
        char byte = 0;
        ssize_t n;
        do n = read(ready[0], &byte, 1);
        while (n < 0 && errno == EINTR);
        if (n != 1) std::fputs("ipauditd: the daemon stopped while starting (see the system log)\n", stderr);
        _exit(n == 1 ? 0 : 1);
    }
    close(ready[0]);
    if (setsid() < 0) throw ProcessError("setsid: " + errno_text());
    pid = fork();  // no longer a session leader: can never reacquire a terminal
    if (pid < 0) throw ProcessError("fork: " + errno_text());
    if (pid > 0) _exit(0);
    if (chdir("/") != 0) throw ProcessError("chdir /: " + errno_text());
    const int null = open("/dev/null", O_RDWR | O_CLOEXEC);
    if (null < 0) throw ProcessError("/dev/null: " + errno_text());
    dup2(null, STDIN_FILENO);
    dup2(null, STDOUT_FILENO);
    dup2(null, STDERR_FILENO);
    if (null > STDERR_FILENO) close(null);
    return ready[1];
}

void detach_finished(int ready_fd) noexcept {
    if (ready_fd < 0) return;
    const char byte = 1;
    ssize_t n;
    do n = write(ready_fd, &byte, 1);
    while (n < 0 && errno == EINTR);
    close(ready_fd);
}

PidFile::PidFile(const std::filesystem::path& path) : path_(path) {
    // Opened as root, often in a directory others can write (/tmp, a misconfigured /run): a
    // symbolic or hard link planted there must not make root truncate some other file.
    fd_ = open(path.c_str(), O_RDWR | O_CREAT | O_CLOEXEC | O_NOFOLLOW, 0644);
    if (fd_ < 0) {
        const int err = errno;
        if (err == ELOOP) throw ProcessError(path.string() + ": pid file is a symbolic link; refusing to follow it");
        throw ProcessError(path.string() + ": cannot open pid file: " + std::strerror(err));
    }
    struct stat st {};
    if (fstat(fd_, &st) != 0 || !S_ISREG(st.st_mode) || st.st_nlink != 1) {
        close(fd_);
        fd_ = -1;
        throw ProcessError(path.string() + ": pid file is not a regular file with a single link; refusing to use it");
    }
    if (flock(fd_, LOCK_EX | LOCK_NB) != 0) {
        char buf[32] = {};
        const ssize_t n = pread(fd_, buf, sizeof buf - 1, 0);
        close(fd_);
        fd_ = -1;
        const std::string pid = n > 0 ? std::string(buf, static_cast<std::size_t>(n)) : std::string("?");
        throw ProcessError(path.string() + ": another ipauditd is running (pid " + pid.substr(0, pid.find('\n')) + ")");
    }
    write_pid();
}

void PidFile::write_pid() {
    if (fd_ < 0) return;
    const std::string text = std::to_string(getpid()) + "\n";
    if (ftruncate(fd_, 0) != 0 || pwrite(fd_, text.data(), text.size(), 0) != static_cast<ssize_t>(text.size()))
        throw ProcessError(path_.string() + ": cannot write pid file: " + errno_text());
}

PidFile::PidFile(PidFile&& other) noexcept : path_(std::move(other.path_)), fd_(other.fd_) { other.fd_ = -1; }

PidFile& PidFile::operator=(PidFile&& other) noexcept {
    if (this != &other) {
        release();
        path_ = std::move(other.path_);
        fd_ = other.fd_;
        other.fd_ = -1;
    }
    return *this;
}

PidFile::~PidFile() { release(); }

void PidFile::release() noexcept {
    if (fd_ < 0) return;
    unlink(path_.c_str());  // may fail after dropping root; the lock, not the file, is what counts
    close(fd_);
    fd_ = -1;
}

void prepare_data_dir(const std::filesystem::path& dir, const std::string& user) {
    for (const auto& d : {dir, dir / "intervals"}) {
        std::error_code ec;
        const bool created = std::filesystem::create_directories(d, ec);
        if (ec) throw ProcessError(d.string() + ": cannot create data directory: " + ec.message());
        // Interval files are sensitive, so a new directory is private; an existing one keeps
        // the mode its administrator chose.
        if (created && chmod(d.c_str(), 0750) != 0)
            throw ProcessError(d.string() + ": cannot set the data directory's mode to 0750: " + errno_text());
        if (!user.empty()) {
            const UserIds ids = lookup_user(user);
            if (chown(d.c_str(), ids.uid, ids.gid) != 0)
                throw ProcessError(d.string() + ": cannot give the data directory to " + user + ": " + errno_text());
        }
    }
}

std::string write_problem(const std::filesystem::path& dir) {
    // access() checks the real ids, which are the effective ones once privileges are dropped
    // (and for root it still reports a read-only file system).
    if (::access(dir.c_str(), W_OK | X_OK) == 0) return {};
    return errno_text();
}

std::string effective_user_name() {
    const uid_t uid = geteuid();
    const passwd* pw = getpwuid(uid);
    return pw != nullptr ? std::string(pw->pw_name) : "uid " + std::to_string(uid);
}

bool has_capture_privilege() {
    constexpr int kCapNetRaw = 13;  // linux/capability.h
    std::FILE* f = std::fopen("/proc/self/status", "r");
    if (f == nullptr) return geteuid() == 0;
    char line[256];
    bool has = geteuid() == 0;
    while (std::fgets(line, sizeof line, f) != nullptr) {
        if (std::strncmp(line, "CapEff:", 7) != 0) continue;
        const unsigned long long caps = std::strtoull(line + 7, nullptr, 16);
        has = ((caps >> kCapNetRaw) & 1U) != 0;
        break;
    }
    std::fclose(f);
    return has;
}

void drop_privileges(const std::string& user) {
    const UserIds ids = lookup_user(user);
    if (setgroups(1, &ids.gid) != 0) throw ProcessError("setgroups: " + errno_text());
    if (setgid(ids.gid) != 0) throw ProcessError("setgid: " + errno_text());
    if (setuid(ids.uid) != 0) throw ProcessError("setuid: " + errno_text());
    if (ids.uid != 0 && setuid(0) == 0) throw ProcessError("dropped privileges could be regained; refusing to run");
    prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0);
}

}  // namespace ipaudit
