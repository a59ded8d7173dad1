// The writer thread: takes finished intervals from the capture thread and writes them to disk,
// retrying on errors, so that capture never waits for the disk and no finished interval is lost.
#pragma once

#include <chrono>
#include <condition_variable>
#include <deque>
#include <filesystem>
#include <memory>
#include <map>
#include <mutex>
#include <optional>
#include <set>
#include <string>
#include <thread>

#include "core/interval_data.hpp"
#include "daemon/log.hpp"
#include "report/port_labels.hpp"
#include "report/rollup.hpp"
#include "store/interval_store.hpp"

namespace ipaudit {

class IntervalWriter {
public:
    struct Options {
        std::filesystem::path data_dir;
        std::chrono::seconds retry{10};
        // Offline import may wait for the writer (no packet can be lost); live capture never does.
        std::size_t block_when_pending = 0;  // 0: never block
        // Log each file written (info): a daemon's record. An import leaves it off: its summary
        // counts the files, and a line per file would break up its progress line.
        bool log_each_write = true;
        // Merge each interval written into its day's rollup, with these port labels.
        std::optional<report::PortLabels> rollup_labels;
        // Offline import: bring the rollups of the days written up to date once, at stop(), in
        // bulk, instead of merging file by file.
        bool defer_rollups = false;
    };

    IntervalWriter(Options options, Log& log);
    IntervalWriter(const IntervalWriter&) = delete;
    IntervalWriter& operator=(const IntervalWriter&) = delete;
    ~IntervalWriter();  // stops after writing what it can (see stop)

    // Queues an interval. Memory is bounded by the MemoryBudget the interval's table charges.
    void submit(std::unique_ptr<IntervalData> interval);

    // Writes everything pending, retrying for at most `patience` after errors, then stops the
    // thread. Returns how many intervals could not be written (and were logged as lost).
    // After an error, every retry tries each waiting interval in order, so one that cannot be
    // written never holds back the others. Errors are logged once per state change: when
    // writing starts to fail (or fails for another reason), and when it works again.
    std::size_t stop(std::chrono::seconds patience);

    [[nodiscard]] std::uint64_t written() const;
    [[nodiscard]] std::size_t pending() const;
    // The latest write error, until a retry leaves nothing unwritten. Offline import gives up on
    // the first failure; the reason is kept here.
    [[nodiscard]] std::string last_error() const;

private:
    struct Pending {
        std::unique_ptr<IntervalData> interval;
    };
    // The cause of an error, without the data directory's paths or the step that failed: the
    // same problem (a full disk) gives the same text for every interval, so it is logged once,
    // not once per interval or retry.
    [[nodiscard]] std::string problem_of(const std::string& error) const;

    void run();
    // Writes one interval; returns the error, empty on success. Call without holding mutex_.
    std::string write_one(const IntervalData& interval);
    // Merges a written file into its day's rollup; a failure is logged (once until it works
    // again) and left to the next merge or `ipaudit rollup`: the interval file is safe.
    void merge_rollup(const std::filesystem::path& path, const IntervalData& interval);
    void update_deferred_rollups();

    Options options_;
    // Offline imports replace files of earlier runs (re-import is idempotent); live capture
    // never replaces; no run replaces its own files.
    store::IntervalStore store_;
    std::optional<report::RollupWriter> rollups_;  // only the writer thread uses it
    std::string rollup_error_;                     // the last rollup failure logged
    std::map<std::string, report::LocalDay> deferred_days_;  // defer_rollups: the days written
    Log* log_;
    mutable std::mutex mutex_;
    std::condition_variable wake_;
    std::condition_variable room_;
    std::deque<Pending> queue_;  // only the writer thread removes entries
    bool stopping_ = false;
    std::chrono::steady_clock::time_point give_up_at_{};
    std::uint64_t written_ = 0;
    std::string last_error_;
    // Problems logged since writing last worked (writer thread only): each is logged once while
    // writing fails, however many intervals wait and retries fail; cleared when writing works.
    std::set<std::string> logged_problems_;
    std::size_t written_after_error_ = 0;  // written since writing failed, for the recovery line
    std::thread thread_;
};

}  // namespace ipaudit
