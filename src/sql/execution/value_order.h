#pragma once

#include <cmath>
#include <cstdint>
#include <string_view>

#include "columnar/data_type.h"

namespace stedi::sql {

/// Orders doubles as Presto does: NaN after every number (NaNs equal), -0.0 equal to 0.0.
inline int CompareDoubles(double a, double b) {
  const bool an = std::isnan(a), bn = std::isnan(b);
  if (an || bn) return static_cast<int>(an) - static_cast<int>(bn);
  return (a > b) - (a < b);
}

/// Returns whether values of TYPE are integers (bool, int, bigint, date, timestamp), which
/// compare and sum as int64.
inline bool IsIntegerLike(TypeId type) {
  return type == TypeId::kBoolean || type == TypeId::kInt32 || type == TypeId::kInt64 ||
         type == TypeId::kDate || type == TypeId::kTimestamp;
}

inline int CompareInts(int64_t a, int64_t b) { return (a > b) - (a < b); }

/// Orders strings and binaries bytewise (UTF-8 byte order is code point order).
inline int CompareStrings(std::string_view a, std::string_view b) {
  const int c = a.compare(b);
  return (c > 0) - (c < 0);
}

}  // namespace stedi::sql
