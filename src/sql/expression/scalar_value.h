#pragma once

#include <cstdint>
#include <string>
#include <variant>

#include "columnar/column.h"
#include "columnar/data_type.h"

namespace stedi::sql {

/// One value of a SQL type, or NULL. int32/int64/date/timestamp values are held as int64_t,
/// double as double, boolean as bool, string/binary as std::string.
struct ScalarValue {
  TypeId type = TypeId::kString;
  std::variant<std::monostate, bool, int64_t, double, std::string> value;

  bool is_null() const { return std::holds_alternative<std::monostate>(value); }
  static ScalarValue Null(TypeId type) { return {type, std::monostate{}}; }
  /// Returns a column of COUNT copies of this value.
  Column ToColumn(size_t count) const;
  /// Reads row ROW of COLUMN.
  static ScalarValue FromColumn(const Column& column, size_t row);
  /// Returns the value as SQL text for messages ("NULL", 42, 'abc').
  std::string ToString() const;
};

}  // namespace stedi::sql
