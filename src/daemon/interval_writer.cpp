// IntervalWriter: queue, write, retry rounds, and each problem logged once while writing fails.
#include "daemon/interval_writer.hpp"

#include <exception>

#include "store/interval_store.hpp"

namespace ipaudit {

IntervalWriter::IntervalWriter(Options options, Log& log)
    : options_(std::move(options)),
      store_(options_.data_dir, options_.block_when_pending > 0 ? store::IntervalStore::Existing::kReplaceEarlierRuns
                                                                : store::IntervalStore::Existing::kKeep),
      log_(&log) {
    if (options_.rollup_labels) rollups_.emplace(options_.data_dir, *options_.rollup_labels);
    thread_ = std::thread([this] { run(); });
}

IntervalWriter::~IntervalWriter() {
    if (thread_.joinable()) stop(std::chrono::seconds(0));
}

void IntervalWriter::submit(std::unique_ptr<IntervalData> interval) {
    std::unique_lock lock(mutex_);
    if (options_.block_when_pending > 0)
        room_.wait(lock, [&] { return queue_.size() < options_.block_when_pending || !last_error_.empty(); });
    queue_.push_back({std::move(interval)});
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
    if (rollups_) update_deferred_rollups();  // the writer thread is gone: this thread owns rollups_ now
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

std::string IntervalWriter::write_one(const IntervalData& interval) {
    try {
        const auto started = std::chrono::steady_clock::now();
        const auto path = store_.write(interval);  // only this thread touches store_
        const auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() - started);
        {
            std::lock_guard lock(mutex_);
            ++written_;
        }
        if (options_.log_each_write)
            log_->info("wrote " + path.string() + ": " + std::to_string(interval.sessions.size()) + " sessions, " +
                       std::to_string(interval.packets) + " packets in " + std::to_string(ms.count()) + " ms");
        if (interval.overflow_packets > 0)
            log_->warning(path.string() + ": session memory (--max-memory) was full: " +
                          std::to_string(interval.overflow_packets) + " packets (" +
                          std::to_string(interval.overflow_bytes) +
                          " bytes) of new sessions are counted only as overflow in this interval");
        if (rollups_) merge_rollup(path, interval);
        return {};
    } catch (const std::exception& e) {
        return e.what();
    }
}

void IntervalWriter::merge_rollup(const std::filesystem::path& path, const IntervalData& interval) {
    if (options_.defer_rollups) {
        const report::LocalDay day = report::local_day_of(interval.start_s * 1'000'000);
        deferred_days_.emplace(day.name, day);
        return;
    }
    try {
        const auto started = std::chrono::steady_clock::now();
        const auto outcome = rollups_->merge(path);
        const auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() - started);
        if (!rollup_error_.empty()) {
            rollup_error_.clear();
            log_->info("daily rollups work again");
        }
        if (options_.log_each_write && outcome != report::RollupWriter::Outcome::kEmpty)
            log_->info(std::string(outcome == report::RollupWriter::Outcome::kRebuilt ? "rebuilt" : "updated") +
                       " the daily rollup for " + path.filename().string() + " in " + std::to_string(ms.count()) + " ms");
    } catch (const std::exception& e) {
        if (rollup_error_ != e.what()) {
            rollup_error_ = e.what();
            log_->error(std::string("daily rollup not updated: ") + e.what() +
                        " (the interval file is written; the next interval or 'ipaudit rollup' completes the rollup)");
        }
    }
}

void IntervalWriter::update_deferred_rollups() {
    for (const auto& [name, day] : deferred_days_) {
        try {
            const auto started = std::chrono::steady_clock::now();
            const auto result = rollups_->update(day);
            for (const std::string& note : result.notes) log_->warning("daily rollup " + name + ": " + note);
            const auto ms =
                std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() - started);
            if (options_.log_each_write)  // an import's summary line stands for these
                log_->info("daily rollup " + name + ": " + (result.rebuilt ? "built from " : "merged ") +
                           std::to_string(result.merged) + " interval file(s) in " + std::to_string(ms.count()) + " ms");
        } catch (const std::exception& e) {
            log_->error(std::string("daily rollup not updated: ") + e.what() + " ('ipaudit rollup' can complete it)");
        }
    }
    deferred_days_.clear();
}

std::string IntervalWriter::problem_of(const std::string& error) const {
    const std::string dir = options_.data_dir.string();
    std::string out = error;
    for (auto at = out.find(dir); !dir.empty() && at != std::string::npos; at = out.find(dir, at)) {
        const auto end = out.find_first_of(" ]:'\"", at);
        out.replace(at, end == std::string::npos ? std::string::npos : end - at, "PATH");
        at += 4;
    }
    // The cause is the last part ("database or disk is full"): the step that met it (creating the
    // file, inserting, building an index) depends on how far each interval got.
    const auto last = out.rfind(": ");
    return last == std::string::npos ? out : out.substr(last + 2);
}

void IntervalWriter::run() {
    std::unique_lock lock(mutex_);
    // Logs without holding mutex_: submit() (the capture thread) must never wait for the log.
    const auto log_unlocked = [&](Log::Level level, const std::string& message) {
        lock.unlock();
        log_->write(level, message);
        lock.lock();
    };
    for (;;) {
        wake_.wait(lock, [&] { return stopping_ || !queue_.empty(); });
        if (queue_.empty()) return;  // stopping with nothing left
        // One round tries every waiting interval, oldest first. One that cannot be written (its
        // day directory unwritable, say) must not hold back the others; the ones that fail stay
        // at the front, in order. Entries keep their address while unlocked: submit() only
        // appends to the deque, and only this thread removes.
        std::size_t kept = 0;  // queue_[0, kept) failed in this round
        while (kept < queue_.size()) {
            const IntervalData& interval = *queue_[kept].interval;
            lock.unlock();
            const std::string error = write_one(interval);
            lock.lock();
            if (error.empty()) {
                if (!last_error_.empty()) ++written_after_error_;
                queue_.erase(queue_.begin() + static_cast<std::ptrdiff_t>(kept));  // frees its session table and budget
                room_.notify_all();
                continue;
            }
            last_error_ = error;
            room_.notify_all();
            if (options_.block_when_pending > 0) return;  // offline import: fail fast, reported by the caller
            ++kept;
            // Once per problem while writing fails, not once per interval or retry.
            if (logged_problems_.insert(problem_of(error)).second)
                log_unlocked(Log::Level::kError, "cannot write interval: " + error + "; " + std::to_string(queue_.size()) +
                                                     " interval(s) kept in memory (within --max-memory), retrying every " +
                                                     std::to_string(options_.retry.count()) +
                                                     " s; logged again only when writing works or fails otherwise");
        }
        if (kept == 0) {
            if (!last_error_.empty()) {
                last_error_.clear();
                logged_problems_.clear();
                log_unlocked(Log::Level::kInfo, "writing works again (" + options_.data_dir.string() + "): " +
                                                    std::to_string(written_after_error_) +
                                                    " waiting interval(s) written");
                written_after_error_ = 0;
            }
            continue;
        }
        if (stopping_ && std::chrono::steady_clock::now() >= give_up_at_) return;
        const auto deadline = stopping_ ? std::min(give_up_at_, std::chrono::steady_clock::now() + options_.retry)
                                        : std::chrono::steady_clock::now() + options_.retry;
        // Sleep until the retry time; a stop request shortens the wait to its deadline.
        wake_.wait_until(lock, deadline, [&] { return stopping_ && std::chrono::steady_clock::now() >= give_up_at_; });
    }
}

}  // namespace ipaudit
