// The interval file schema (sql/interval_schema.sql, sql/interval_indexes.sql), compiled in.
#pragma once

#include <cstdint>
#include <string_view>

namespace ipaudit::store {

inline constexpr int kSchemaVersion = 1;
inline constexpr std::int32_t kApplicationId = 0x49504155;  // 'IPAU'

extern const std::string_view kIntervalSchemaSql;
extern const std::string_view kIntervalIndexesSql;

}  // namespace ipaudit::store
