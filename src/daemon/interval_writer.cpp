// IntervalWriter: queue, write, retry, and error reporting once per change of state.
#include "daemon/interval_writer.hpp"

#include <exception>

#include "store/interval_file.hpp"

namespace ipaudit {

IntervalWriter::IntervalWriter(Options options, Log& log) : options_(std::move(options)), log_(&log) {
    thread_ = std::thread([this] { run(); });
}

IntervalWriter::~IntervalWriter() {
    if (thread_.joinable()) stop(std::chrono::seconds(0));
}

void IntervalWriter::submit(std::unique_ptr<IntervalData> interval) {
    std::unique_lock lock(mutex_);
    if (options_.block_when_pending > 0)
        room_.wait(lock, [&] { return queue_.size() < options_.block_when_pending || !last_error_.empty(); });
    queue_.push_back(std::move(interval));
    wake_.notify_one();
}

std::size_t IntervalWriter::stop(std::chrono::seconds patience) {
    {
        std::lock_guard lock(mutex_);
        stopping_ = true;
        give_up_at_ = std::chrono::steady_clock::now() + patience;
    }
    wake_.notify_one();
    if (thread_.joinable()) thread_.join();
    std::lock_guard lock(mutex_);
    const std::size_t lost = queue_.size();
    if (lost > 0)
        log_->error("lost " + std::to_string(lost) + " finished interval(s) that could not be written to " +
                    options_.data_dir.string() + ": " + last_error_);
    queue_.clear();
    return lost;
}

std::uint64_t IntervalWriter::written() const {
    std::lock_guard lock(mutex_);
    return written_;
}

std::size_t IntervalWriter::pending() const {
    std::lock_guard lock(mutex_);
    return queue_.size();
}

std::string IntervalWriter::last_error() const {
    std::lock_guard lock(mutex_);
    return last_error_;
}

bool IntervalWriter::write_one(const IntervalData& interval) {
    std::string error;
    try {
        const auto started = std::chrono::steady_clock::now();
        const auto path = store::write_interval_file(interval, options_.data_dir);
        const auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() - started);
        std::string recovered;
        {
            std::lock_guard lock(mutex_);
            ++written_;
            if (!last_error_.empty()) recovered = last_error_;
            last_error_.clear();
        }
        if (!recovered.empty()) log_->info("writing works again (" + options_.data_dir.string() + ")");
        log_->info("wrote " + path.string() + ": " + std::to_string(interval.sessions.size()) + " sessions, " +
                   std::to_string(interval.packets) + " packets in " + std::to_string(ms.count()) + " ms");
        if (interval.overflow_packets > 0)
            log_->warning(path.string() + ": session memory (--max-memory) was full: " +
                          std::to_string(interval.overflow_packets) + " packets (" +
                          std::to_string(interval.overflow_bytes) +
                          " bytes) of new sessions are counted only as overflow in this interval");
        return true;
    } catch (const std::exception& e) {
        error = e.what();
    }
    bool changed = false;
    std::size_t waiting = 0;
    {
        std::lock_guard lock(mutex_);
        changed = error != last_error_;
        last_error_ = error;
        waiting = queue_.size();
    }
    room_.notify_all();
    if (options_.block_when_pending > 0) return false;  // offline import: the caller reports and stops
    if (changed)  // once per change of state, not once per retry
        log_->error("cannot write interval: " + error + "; " + std::to_string(waiting) +
                    " interval(s) kept in memory, retrying every " + std::to_string(options_.retry.count()) + " s");
    return false;
}

void IntervalWriter::run() {
    std::unique_lock lock(mutex_);
    for (;;) {
        wake_.wait(lock, [&] { return stopping_ || !queue_.empty(); });
        if (queue_.empty()) return;  // stopping with nothing left
        IntervalData* next = queue_.front().get();
        lock.unlock();
        const bool ok = write_one(*next);
        lock.lock();
        if (ok) {
            queue_.pop_front();  // frees the session table and its budget
            room_.notify_all();
            continue;
        }
        if (options_.block_when_pending > 0) return;  // offline import: fail fast, reported by the caller
        if (stopping_ && std::chrono::steady_clock::now() >= give_up_at_) return;
        const auto deadline = stopping_ ? std::min(give_up_at_, std::chrono::steady_clock::now() + options_.retry)
                                        : std::chrono::steady_clock::now() + options_.retry;
        // Sleep until the retry time; a stop request shortens the wait to its deadline.
        wake_.wait_until(lock, deadline, [&] { return stopping_ && std::chrono::steady_clock::now() >= give_up_at_; });
    }
}

}  // namespace ipaudit
