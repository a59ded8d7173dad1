// The interval file and rollup schemas (sql/*.sql), compiled in.
#pragma once

#include <cstdint>
#include <string_view>

namespace ipaudit::store {

inline constexpr int kSchemaVersion = 1;
inline constexpr std::int32_t kApplicationId = 0x49504155;  // 'IPAU'

extern const std::string_view kIntervalSchemaSql;
extern const std::string_view kIntervalIndexesSql;

// Daily rollups (sql/rollup_schema.sql).
inline constexpr int kRollupSchemaVersion = 1;
inline constexpr std::int32_t kRollupApplicationId = 0x49504152;  // 'IPAR'
extern const std::string_view kRollupSchemaSql;
extern const std::string_view kRollupIndexesSql;

}  // namespace ipaudit::store
