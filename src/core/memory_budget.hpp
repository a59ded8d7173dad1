// A byte budget shared by every session table alive (the one filling and those waiting to be
// written), so the cap bounds the daemon's real memory rather than one table's.
#pragma once

#include <atomic>
#include <cstddef>

namespace ipaudit {

class MemoryBudget {
public:
    explicit MemoryBudget(std::size_t limit_bytes) noexcept : limit_(limit_bytes) {}
    MemoryBudget(const MemoryBudget&) = delete;
    MemoryBudget& operator=(const MemoryBudget&) = delete;

    // Reserves `bytes` if the limit allows; thread-safe.
    [[nodiscard]] bool try_charge(std::size_t bytes) noexcept {
        std::size_t used = used_.load(std::memory_order_relaxed);
        do {
            if (bytes > limit_ || used > limit_ - bytes) return false;
        } while (!used_.compare_exchange_weak(used, used + bytes, std::memory_order_relaxed));
        return true;
    }
    void release(std::size_t bytes) noexcept { used_.fetch_sub(bytes, std::memory_order_relaxed); }

    [[nodiscard]] std::size_t used() const noexcept { return used_.load(std::memory_order_relaxed); }
    [[nodiscard]] std::size_t limit() const noexcept { return limit_; }

private:
    const std::size_t limit_;
    std::atomic<std::size_t> used_{0};
};

// RAII charge against a MemoryBudget; empty when the charge failed.
class BudgetCharge {
public:
    BudgetCharge() = default;
    BudgetCharge(MemoryBudget& budget, std::size_t bytes) noexcept
        : budget_(budget.try_charge(bytes) ? &budget : nullptr), bytes_(budget_ ? bytes : 0) {}
    BudgetCharge(BudgetCharge&& other) noexcept : budget_(other.budget_), bytes_(other.bytes_) {
        other.budget_ = nullptr;
        other.bytes_ = 0;
    }
    BudgetCharge& operator=(BudgetCharge&& other) noexcept {
        if (this != &other) {
            reset();
            budget_ = other.budget_;
            bytes_ = other.bytes_;
            other.budget_ = nullptr;
            other.bytes_ = 0;
        }
        return *this;
    }
    ~BudgetCharge() { reset(); }

    [[nodiscard]] explicit operator bool() const noexcept { return budget_ != nullptr; }
    void reset() noexcept {
        if (budget_) budget_->release(bytes_);
        budget_ = nullptr;
        bytes_ = 0;
    }

private:
    MemoryBudget* budget_ = nullptr;
    std::size_t bytes_ = 0;
};

}  // namespace ipaudit
