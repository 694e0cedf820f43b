#include "sql/expression/scalar_value.h"

#include "sql/expression/value_text.h"

namespace stedi::sql {

Column ScalarValue::ToColumn(size_t count) const {
  ColumnBuilder out(type);
  out.Reserve(count);
  if (is_null()) {
    for (size_t i = 0; i < count; ++i) out.AppendNull();
    return out.Finish();
  }
  switch (type) {
    case TypeId::kBoolean: {
      const bool v = std::get<bool>(value);
      for (size_t i = 0; i < count; ++i) out.AppendBool(v);
      break;
    }
    case TypeId::kInt32:
    case TypeId::kDate: {
      const auto v = static_cast<int32_t>(std::get<int64_t>(value));
      for (size_t i = 0; i < count; ++i) out.AppendInt32(v);
      break;
    }
    case TypeId::kInt64:
    case TypeId::kTimestamp: {
      const int64_t v = std::get<int64_t>(value);
      for (size_t i = 0; i < count; ++i) out.AppendInt64(v);
      break;
    }
    case TypeId::kFloat64: {
      const double v = std::get<double>(value);
      for (size_t i = 0; i < count; ++i) out.AppendDouble(v);
      break;
    }
    case TypeId::kString:
    case TypeId::kBinary: {
      const std::string& v = std::get<std::string>(value);
      for (size_t i = 0; i < count; ++i) out.AppendString(v);
      break;
    }
  }
  return out.Finish();
}

ScalarValue ScalarValue::FromColumn(const Column& column, size_t row) {
  const TypeId type = column.type();
  if (column.IsNull(row)) return Null(type);
  switch (type) {
    case TypeId::kBoolean:
      return {type, column.GetBool(row)};
    case TypeId::kInt32:
    case TypeId::kDate:
      return {type, int64_t{column.GetInt32(row)}};
    case TypeId::kInt64:
    case TypeId::kTimestamp:
      return {type, column.GetInt64(row)};
    case TypeId::kFloat64:
      return {type, column.GetDouble(row)};
    case TypeId::kString:
    case TypeId::kBinary:
      return {type, std::string(column.GetString(row))};
  }
  return Null(type);
}

std::string ScalarValue::ToString() const {
  if (is_null()) return "NULL";
  switch (type) {
    case TypeId::kBoolean:
      return std::get<bool>(value) ? "true" : "false";
    case TypeId::kInt32:
    case TypeId::kInt64:
      return std::to_string(std::get<int64_t>(value));
    case TypeId::kFloat64:
      return FormatDouble(std::get<double>(value));
    case TypeId::kDate:
      return "DATE '" + FormatDate(std::get<int64_t>(value)) + "'";
    case TypeId::kTimestamp:
      return "TIMESTAMP '" + FormatTimestamp(std::get<int64_t>(value)) + "'";
    case TypeId::kString:
    case TypeId::kBinary: {
      std::string out = "'";
      for (char c : std::get<std::string>(value)) {
        if (c == '\'') out.push_back('\'');  // SQL doubles quotes inside literals
        out.push_back(c);
      }
      return out + "'";
    }
  }
  return "?";
}

}  // namespace stedi::sql
