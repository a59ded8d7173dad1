// SessionTable and MemoryBudget: millions of keys, the budget as a hard cap, release on destruction.
#include <gtest/gtest.h>

#include <cstdint>
#include <set>
#include <utility>
#include <vector>

#include "core/memory_budget.hpp"
#include "core/session_table.hpp"
#include "tests/unit/unit_helpers.hpp"

namespace ipaudit {
namespace {

using unit::ip;

constexpr std::size_t kGiB = std::size_t{1} << 30;

// Distinct keys spread over addresses and ports like a scan would (same b, varying a and port).
SessionKey key_of(std::uint32_t i) {
    SessionKey k;
    k.a = IpAddress::from_v4(0x0A000000u | (i >> 4));
    k.b = ip("192.0.2.1");
    k.port_a = static_cast<std::uint16_t>(1024 + (i & 0xF));
    k.port_b = 443;
    k.proto = 6;
    return k;
}

TEST(MemoryBudget, ChargesUpToTheLimitAndReleases) {
    MemoryBudget budget(100);
    EXPECT_TRUE(budget.try_charge(60));
    EXPECT_FALSE(budget.try_charge(41));
    EXPECT_TRUE(budget.try_charge(40));
    EXPECT_EQ(budget.used(), 100u);
    EXPECT_FALSE(budget.try_charge(1));
    budget.release(60);
    EXPECT_EQ(budget.used(), 40u);
    EXPECT_FALSE(budget.try_charge(SIZE_MAX)) << "no overflow in the limit check";
    {
        BudgetCharge charge(budget, 50);
        EXPECT_TRUE(charge);
        EXPECT_EQ(budget.used(), 90u);
        BudgetCharge too_much(budget, 11);
        EXPECT_FALSE(too_much);
        EXPECT_EQ(budget.used(), 90u);
        BudgetCharge moved(std::move(charge));
        EXPECT_TRUE(moved);
        EXPECT_EQ(budget.used(), 90u) << "moving a charge does not charge twice";
    }
    EXPECT_EQ(budget.used(), 40u);
}

TEST(SessionTable, EmptyTableFindsNothing) {
    MemoryBudget budget(kGiB);
    const SessionTable table(budget);
    EXPECT_EQ(table.find(key_of(1)), nullptr);
    EXPECT_EQ(table.size(), 0u);
    EXPECT_EQ(budget.used(), 0u) << "an unused table costs nothing";
}

TEST(SessionTable, TwoMillionDistinctKeys) {
    constexpr std::uint32_t kKeys = 2'000'000;
    MemoryBudget budget(2 * kGiB);
    SessionTable table(budget);

    bool created = false;
    Session* first = table.find_or_insert(key_of(0), created);
    ASSERT_NE(first, nullptr);
    ASSERT_TRUE(created);
    first->packets_ab = 4242;

    for (std::uint32_t i = 1; i < kKeys; ++i) {
        Session* s = table.find_or_insert(key_of(i), created);
        ASSERT_NE(s, nullptr) << i;
        ASSERT_TRUE(created) << i;
        ASSERT_EQ(s->key, key_of(i));
        ASSERT_EQ(s->packets_ab, 0u) << "a new session starts zeroed";
        s->packets_ab = i;
        s->bytes_ba = std::uint64_t{i} * 3;
    }
    EXPECT_EQ(table.size(), kKeys);

    // Growth kept every entry, and entries never moved.
    EXPECT_EQ(table.find(key_of(0)), first);
    EXPECT_EQ(first->packets_ab, 4242u);
    for (std::uint32_t i = 1; i < kKeys; ++i) {
        const Session* s = table.find(key_of(i));
        ASSERT_NE(s, nullptr) << i;
        ASSERT_EQ(s->key, key_of(i));
        ASSERT_EQ(s->packets_ab, i);
        ASSERT_EQ(s->bytes_ba, std::uint64_t{i} * 3);
        // Inserting again finds the same entry instead of adding one.
        Session* again = table.find_or_insert(key_of(i), created);
        ASSERT_FALSE(created) << i;
        ASSERT_EQ(again, s);
    }
    EXPECT_EQ(table.size(), kKeys) << "no duplicates";

    // Iteration sees each key exactly once.
    std::size_t seen = 0;
    std::uint64_t sum = 0;
    table.for_each([&](const Session& s) {
        ++seen;
        sum += s.bytes_ba;
    });
    EXPECT_EQ(seen, kKeys);
    std::uint64_t expected = 0;
    for (std::uint32_t i = 1; i < kKeys; ++i) expected += std::uint64_t{i} * 3;
    EXPECT_EQ(sum, expected);

    EXPECT_EQ(table.find(key_of(kKeys)), nullptr);
    EXPECT_EQ(table.memory_bytes(), budget.used());
    EXPECT_GE(budget.used(), kKeys * sizeof(Session));
}

TEST(SessionTable, KeysDifferingInOneFieldAreDistinct) {
    MemoryBudget budget(kGiB);
    SessionTable table(budget);
    SessionKey base{ip("10.0.0.1"), ip("10.0.0.2"), 1000, 2000, 6};
    std::vector<SessionKey> keys{base};
    auto vary = [&](auto change) {
        SessionKey k = base;
        change(k);
        keys.push_back(k);
    };
    vary([](SessionKey& k) { k.a = unit::ip("10.0.0.3"); });
    vary([](SessionKey& k) { k.b = unit::ip("10.0.0.3"); });
    vary([](SessionKey& k) { k.port_a = 1001; });
    vary([](SessionKey& k) { k.port_b = 2001; });
    vary([](SessionKey& k) { k.proto = 17; });
    vary([](SessionKey& k) { std::swap(k.a, k.b); });
    vary([](SessionKey& k) { std::swap(k.port_a, k.port_b); });
    vary([](SessionKey& k) { k.a = unit::ip("::ffff:10.0.0.1"); });  // the same address: not distinct
    vary([](SessionKey& k) { k.a = unit::ip("::10.0.0.1"); });       // IPv4-compatible v6: distinct

    std::set<const Session*> entries;
    for (std::size_t i = 0; i < keys.size(); ++i) {
        bool created = false;
        Session* s = table.find_or_insert(keys[i], created);
        ASSERT_NE(s, nullptr);
        s->packets_ba += 1;
        entries.insert(s);
    }
    EXPECT_EQ(table.size(), keys.size() - 1);
    EXPECT_EQ(entries.size(), keys.size() - 1);
    EXPECT_EQ(table.find(base)->packets_ba, 2u) << "base and its ::ffff: spelling are one session";
}

TEST(SessionTable, SmallBudgetRefusesNewSessionsButKeepsOldOnes) {
    // Room for the first index (65536 slots, session_table.cpp) and one chunk of sessions.
    const std::size_t index_bytes = (std::size_t{1} << 16) * sizeof(std::uint64_t);
    MemoryBudget budget(index_bytes + SessionTable::kChunkSize * sizeof(Session));
    SessionTable table(budget);

    std::uint32_t stored = 0;
    bool created = false;
    for (;; ++stored) {
        Session* s = table.find_or_insert(key_of(stored), created);
        if (s == nullptr) {
            EXPECT_FALSE(created);
            break;
        }
        ASSERT_TRUE(created);
        s->packets_ab = 1;
        ASSERT_LT(stored, 10 * SessionTable::kChunkSize) << "the budget never stopped the table";
    }
    EXPECT_EQ(stored, SessionTable::kChunkSize) << "one chunk's worth fits, the next chunk does not";
    EXPECT_LE(budget.used(), budget.limit());
    EXPECT_EQ(table.size(), stored);

    // Once spent: further new keys are refused, existing sessions are still found and updated.
    EXPECT_EQ(table.find_or_insert(key_of(stored + 1), created), nullptr);
    for (std::uint32_t i = 0; i < stored; i += 997) {
        Session* s = table.find_or_insert(key_of(i), created);
        ASSERT_NE(s, nullptr) << i;
        EXPECT_FALSE(created);
        ++s->packets_ab;
        EXPECT_EQ(table.find(key_of(i))->packets_ab, 2u);
    }
    EXPECT_EQ(table.size(), stored);
}

TEST(SessionTable, ZeroBudgetStoresNothing) {
    MemoryBudget budget(0);
    SessionTable table(budget);
    bool created = true;
    EXPECT_EQ(table.find_or_insert(key_of(1), created), nullptr);
    EXPECT_FALSE(created);
    EXPECT_EQ(table.size(), 0u);
    EXPECT_EQ(table.find(key_of(1)), nullptr);
    EXPECT_EQ(budget.used(), 0u);
}

TEST(SessionTable, BudgetIsSharedAndReleasedOnDestruction) {
    MemoryBudget budget(std::size_t{64} << 20);
    {
        SessionTable one(budget);
        bool created = false;
        for (std::uint32_t i = 0; i < 100'000; ++i) ASSERT_NE(one.find_or_insert(key_of(i), created), nullptr);
        const std::size_t used_by_one = budget.used();
        EXPECT_GT(used_by_one, 0u);
        EXPECT_EQ(used_by_one, one.memory_bytes());

        {
            SessionTable two(budget);
            for (std::uint32_t i = 0; i < 1000; ++i) ASSERT_NE(two.find_or_insert(key_of(i), created), nullptr);
            EXPECT_EQ(budget.used(), used_by_one + two.memory_bytes()) << "both tables draw on one budget";
        }
        EXPECT_EQ(budget.used(), used_by_one);

        // A moved table keeps its charges; the moved-from one releases nothing twice.
        SessionTable moved(std::move(one));
        EXPECT_EQ(budget.used(), used_by_one);
        EXPECT_NE(moved.find(key_of(99'999)), nullptr);
        SessionTable assigned(budget);
        (void)assigned.find_or_insert(key_of(5), created);
        assigned = std::move(moved);
        EXPECT_EQ(budget.used(), used_by_one) << "the assigned-over table released its own memory";
        EXPECT_NE(assigned.find(key_of(12'345)), nullptr);
    }
    EXPECT_EQ(budget.used(), 0u);
}

TEST(SessionTable, ANearlyFullBudgetRefusesGrowthAndKeepsTheTableConsistent) {
    // Enough for several chunks but not for the doubled index the next chunk's sessions need:
    // the table must stop cleanly at a growth point, not half-insert.
    const std::size_t index_bytes = (std::size_t{1} << 16) * sizeof(std::uint64_t);
    MemoryBudget budget(index_bytes + 3 * SessionTable::kChunkSize * sizeof(Session));
    SessionTable table(budget);
    bool created = false;
    std::uint32_t stored = 0;
    while (table.find_or_insert(key_of(stored), created) != nullptr) ++stored;
    EXPECT_GT(stored, 0u);
    EXPECT_EQ(table.size(), stored);
    EXPECT_LE(budget.used(), budget.limit());
    for (std::uint32_t i = 0; i < stored; ++i) ASSERT_NE(table.find(key_of(i)), nullptr) << i;
    EXPECT_EQ(table.find(key_of(stored)), nullptr) << "the refused key left no trace";
}

}  // namespace
}  // namespace ipaudit
