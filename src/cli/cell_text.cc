#include "cli/cell_text.h"

#include <charconv>
#include <chrono>
#include <cmath>
#include <cstdio>

namespace stedi {
namespace {

std::string DateText(int64_t days) {
  const std::chrono::year_month_day ymd{std::chrono::sys_days{std::chrono::days{days}}};
  char buf[32];
  std::snprintf(buf, sizeof(buf), "%04d-%02u-%02u", static_cast<int>(ymd.year()),
                static_cast<unsigned>(ymd.month()), static_cast<unsigned>(ymd.day()));
  return buf;
}

// Floors rather than truncates, so instants before 1970 land on the right day and millisecond.
std::string TimestampText(int64_t micros) {
  constexpr int64_t kMicrosPerDay = int64_t{86'400} * 1'000'000;
  int64_t days = micros / kMicrosPerDay;
  int64_t in_day = micros % kMicrosPerDay;
  if (in_day < 0) {
    in_day += kMicrosPerDay;
    --days;
  }
  const int64_t millis = in_day / 1000;
  char buf[32];
  std::snprintf(buf, sizeof(buf), " %02lld:%02lld:%02lld.%03lld",
                static_cast<long long>(millis / 3'600'000),
                static_cast<long long>(millis / 60'000 % 60),
                static_cast<long long>(millis / 1000 % 60), static_cast<long long>(millis % 1000));
  return DateText(days) + buf;
}

std::string DoubleText(double v) {
  if (std::isnan(v)) return "NaN";
  if (std::isinf(v)) return v > 0 ? "Infinity" : "-Infinity";
  char buf[64];
  auto [end, ec] = std::to_chars(buf, buf + sizeof(buf), v);
  std::string s(buf, end);
  if (s.find_first_of(".e") == std::string::npos) s += ".0";
  return s;
}

std::string HexText(std::string_view bytes) {
  static constexpr char kDigits[] = "0123456789abcdef";
  std::string out;
  out.reserve(bytes.size() * 2);
  for (unsigned char c : bytes) {
    out += kDigits[c >> 4];
    out += kDigits[c & 0xF];
  }
  return out;
}

}  // namespace

CellKind CellKindOf(TypeId type) {
  switch (type) {
    case TypeId::kInt32:
    case TypeId::kInt64:
    case TypeId::kFloat64:
      return CellKind::kNumber;
    case TypeId::kBoolean:
      return CellKind::kBoolean;
    case TypeId::kString:
    case TypeId::kBinary:
    case TypeId::kDate:
    case TypeId::kTimestamp:
      return CellKind::kText;
  }
  return CellKind::kText;
}

std::optional<std::string> CellText(const Column& column, size_t row) {
  if (column.IsNull(row)) return std::nullopt;
  switch (column.type()) {
    case TypeId::kBoolean:
      return column.GetBool(row) ? "true" : "false";
    case TypeId::kInt32:
      return std::to_string(column.GetInt32(row));
    case TypeId::kInt64:
      return std::to_string(column.GetInt64(row));
    case TypeId::kFloat64:
      return DoubleText(column.GetDouble(row));
    case TypeId::kString:
      return std::string(column.GetString(row));
    case TypeId::kBinary:
      return HexText(column.GetString(row));
    case TypeId::kDate:
      return DateText(column.GetInt32(row));
    case TypeId::kTimestamp:
      return TimestampText(column.GetInt64(row));
  }
  return std::nullopt;
}

}  // namespace stedi
