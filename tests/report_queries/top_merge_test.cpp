// top_of_sums (the threshold algorithm, and its switch to summing everything) against brute
// force: random sources, skewed and flat, few and many, with ties.
#include <gtest/gtest.h>

#include <map>
#include <random>
#include <vector>

#include "report/top_merge.hpp"

namespace ipaudit::report {
namespace {

struct Row {
    int key = 0;
    std::int64_t score = 0;
    std::int64_t count = 0;  // how many sources held the key
    friend bool operator==(const Row&, const Row&) = default;
};

bool before(const Row& a, const Row& b) { return a.score != b.score ? a.score > b.score : a.key < b.key; }

std::vector<Row> brute_force(const std::vector<std::vector<Row>>& lists, std::size_t n) {
    std::map<int, Row> total;
    for (const auto& list : lists)
        for (const Row& r : list) {
            Row& t = total[r.key];
            t.key = r.key;
            t.score += r.score;
            t.count += r.count;
        }
    std::vector<Row> out;
    for (const auto& [k, r] : total) out.push_back(r);
    std::sort(out.begin(), out.end(), before);
    if (out.size() > n) out.resize(n);
    return out;
}

std::vector<Row> threshold(const std::vector<std::vector<Row>>& lists, std::size_t n, std::size_t& lookups) {
    std::vector<RankedSource<int, Row>> sources;
    for (const auto& list : lists) {
        std::vector<Row> sorted = list;
        std::sort(sorted.begin(), sorted.end(), before);
        std::map<int, Row> by_key;
        for (const Row& r : sorted) by_key[r.key] = r;
        sources.push_back({[sorted](std::size_t offset, std::size_t limit) {
                               std::vector<Row> out;
                               for (std::size_t i = offset; i < sorted.size() && out.size() < limit; ++i)
                                   out.push_back(sorted[i]);
                               return out;
                           },
                           [by_key, &lookups](const int& k) -> std::optional<Row> {
                               ++lookups;
                               const auto it = by_key.find(k);
                               if (it == by_key.end()) return std::nullopt;
                               return it->second;
                           }});
    }
    return top_of_sums(
        sources, n, [](const Row& r) { return r.key; }, [](const Row& r) { return r.score; },
        [](Row& t, const Row& r) {
            t.score += r.score;
            t.count += r.count;
        },
        before);
}

// `sources` lists of `keys` (<= universe) distinct keys drawn from a universe; scores skewed
// (small keys are big everywhere, as a few hosts dominate every day) or flat.
std::vector<std::vector<Row>> make_lists(std::mt19937_64& rng, int sources, int keys, int universe, bool skewed) {
    std::vector<std::vector<Row>> lists(static_cast<std::size_t>(sources));
    std::uniform_int_distribution<int> key(0, universe - 1);
    std::uniform_int_distribution<int> flat(1, 20);  // many ties
    for (auto& list : lists) {
        std::map<int, bool> used;
        while (static_cast<int>(list.size()) < keys) {
            const int k = key(rng);
            if (used[k]) continue;
            used[k] = true;
            const std::int64_t score = skewed ? static_cast<std::int64_t>(100000 / (k + 1)) + flat(rng) : flat(rng);
            list.push_back({k, score, 1});
        }
    }
    return lists;
}

TEST(TopOfSums, EqualsBruteForceOnRandomSources) {
    std::mt19937_64 rng(20261201);
    for (int round = 0; round < 300; ++round) {
        const bool skewed = round % 2 == 0;
        const int sources = 1 + round % 9;
        const int universe = 50 + round * 7;
        const int keys = std::min(universe, 10 + round % 40);
        const auto lists = make_lists(rng, sources, keys, universe, skewed);
        for (const std::size_t n : {1UL, 3UL, 20UL, 1000UL}) {
            std::size_t lookups = 0;
            EXPECT_EQ(threshold(lists, n, lookups), brute_force(lists, n))
                << "round " << round << " n " << n << (skewed ? " skewed" : " flat");
        }
    }
}

// Skewed data stops early: far fewer lookups than keys times sources.
TEST(TopOfSums, SkewedSourcesStopEarly) {
    std::mt19937_64 rng(7);
    const auto lists = make_lists(rng, 8, 2000, 5000, true);
    std::size_t lookups = 0;
    EXPECT_EQ(threshold(lists, 10, lookups), brute_force(lists, 10));
    EXPECT_LT(lookups, 8U * 2000U / 4U);
}

// Flat, deep sources past kMaxLookups switch to reading everything, with the same answer.
TEST(TopOfSums, DeepFlatSourcesSwitchToSummingEverything) {
    std::mt19937_64 rng(11);
    const auto lists = make_lists(rng, 30, 12000, 40000, false);
    std::size_t lookups = 0;
    EXPECT_EQ(threshold(lists, 20, lookups), brute_force(lists, 20));
    EXPECT_LE(lookups, kMaxLookups);  // it stopped looking up at the limit
}

}  // namespace
}  // namespace ipaudit::report
