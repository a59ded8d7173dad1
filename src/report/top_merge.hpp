// The exact top N of sums over several sources (days), each readable in descending order of its
// own score and by key: Fagin's threshold algorithm. A week of daily rollups is answered by
// reading the heads of seven sorted lists instead of every row of every day.
#pragma once

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <map>
#include <optional>
#include <vector>

namespace ipaudit::report {

template <typename Key, typename Row>
struct RankedSource {
    // Rows [offset, offset + limit) in descending order of score.
    std::function<std::vector<Row>(std::size_t offset, std::size_t limit)> sorted;
    // The row of `key`, none when the source does not have it.
    std::function<std::optional<Row>(const Key&)> lookup;
};

// `key(row)`, `score(row)` (>= 0, the sum of the sources' scores of a key is the key's score),
// `add(total, row)` (adds one source's row into a total), `before(a, b)` the report order
// (score descending, then a tie-break by key). Returns at most n full rows, in report order.
inline constexpr std::size_t kMaxLookups = 200'000;

// The exact top n by reading every row of every source once.
template <typename Key, typename Row, typename KeyOf, typename Add, typename Before>
std::vector<Row> sum_everything(std::vector<RankedSource<Key, Row>>& sources, std::size_t n, KeyOf key, Add add,
                                Before before) {
    std::map<Key, Row> total;
    constexpr std::size_t kChunk = 1'000'000;
    for (auto& source : sources) {
        for (std::size_t offset = 0;;) {
            const std::vector<Row> rows = source.sorted(offset, kChunk);
            offset += rows.size();
            for (const Row& r : rows) {
                const auto [it, inserted] = total.try_emplace(key(r), r);
                if (!inserted) add(it->second, r);
            }
            if (rows.size() < kChunk) break;
        }
    }
    std::vector<Row> result;
    result.reserve(total.size());
    for (auto& [k, row] : total) result.push_back(std::move(row));
    const std::size_t keep = std::min(n, result.size());
    std::partial_sort(result.begin(), result.begin() + static_cast<std::ptrdiff_t>(keep), result.end(), before);
    result.resize(keep);
    return result;
}

template <typename Key, typename Row, typename KeyOf, typename ScoreOf, typename Add, typename Before>
std::vector<Row> top_of_sums(std::vector<RankedSource<Key, Row>>& sources, std::size_t n, KeyOf key, ScoreOf score,
                             Add add, Before before) {
    std::vector<Row> result;
    if (n == 0 || sources.empty()) return result;
    std::map<Key, Row> seen;  // full rows of every key met so far
    std::vector<std::size_t> offset(sources.size(), 0);
    std::vector<bool> exhausted(sources.size(), false);
    std::vector<std::int64_t> last(sources.size(), 0);
    // A little more than n at first: one source then needs one round unless scores tie.
    std::size_t batch = n + 16;
    for (;;) {
        for (std::size_t s = 0; s < sources.size(); ++s) {
            if (exhausted[s]) continue;
            const std::vector<Row> rows = sources[s].sorted(offset[s], batch);
            offset[s] += rows.size();
            if (rows.size() < batch) exhausted[s] = true;
            if (!rows.empty()) last[s] = score(rows.back());
            for (const Row& r : rows) {
                const Key k = key(r);
                if (seen.contains(k)) continue;
                // Deep lists (no key stands out across the sources) make random access the
                // cost: past this many lookups, reading every row once and summing is cheaper.
                if ((seen.size() + 1) * (sources.size() - 1) > kMaxLookups)
                    return sum_everything<Key, Row>(sources, n, key, add, before);
                Row total = r;
                for (std::size_t o = 0; o < sources.size(); ++o) {
                    if (o == s) continue;
                    if (const auto other = sources[o].lookup(k)) add(total, *other);
                }
                seen.emplace(k, std::move(total));
            }
        }
        // No key not yet seen can score more than the sum of the last scores read.
        std::int64_t threshold = 0;
        bool all_done = true;
        for (std::size_t s = 0; s < sources.size(); ++s) {
            if (exhausted[s]) continue;
            all_done = false;
            threshold += last[s];
        }
        if (all_done) break;
        if (seen.size() >= n) {
            std::vector<std::int64_t> scores;
            scores.reserve(seen.size());
            for (const auto& [k, row] : seen) scores.push_back(score(row));
            std::nth_element(scores.begin(), scores.begin() + static_cast<std::ptrdiff_t>(n - 1), scores.end(),
                             std::greater<>());
            // Strictly above: an unseen key scoring exactly the threshold might sort first.
            if (scores[n - 1] > threshold) break;
        }
        batch *= 2;
    }
    result.reserve(seen.size());
    for (auto& [k, row] : seen) result.push_back(std::move(row));
    const std::size_t keep = std::min(n, result.size());
    std::partial_sort(result.begin(), result.begin() + static_cast<std::ptrdiff_t>(keep), result.end(), before);
    result.resize(keep);
    return result;
}

}  // namespace ipaudit::report
