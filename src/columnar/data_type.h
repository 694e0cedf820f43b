#pragma once

#include <cstdint>
#include <optional>
#include <string_view>

namespace stedi {

/// Logical column types. Physical layout per type (see Column):
///   kBoolean            uint8_t per row (0 or 1)
///   kInt32, kDate       int32_t (kDate: days since 1970-01-01)
///   kInt64, kTimestamp  int64_t (kTimestamp: microseconds since epoch, UTC)
///   kFloat64            double
///   kString, kBinary    offsets + bytes (kString holds UTF-8)
enum class TypeId : uint8_t {
  kBoolean,
  kInt32,
  kInt64,
  kFloat64,
  kString,
  kBinary,
  kDate,
  kTimestamp,
};

/// Returns the SQL-facing name Athena would show: boolean, int, bigint, double, string, binary,
/// date, timestamp.
std::string_view TypeName(TypeId type);

/// Parses a name produced by TypeName (case-insensitive); nullopt when unknown.
std::optional<TypeId> TypeFromName(std::string_view name);

/// Returns the width in bytes of one value of a fixed-width type, 0 for kString and kBinary.
int FixedWidth(TypeId type);

inline bool IsVariableWidth(TypeId type) {
  return type == TypeId::kString || type == TypeId::kBinary;
}

}  // namespace stedi
