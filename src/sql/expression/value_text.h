#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace stedi::sql {

// Calendar arithmetic and the text forms of SQL values, shared by casts, ScalarValue::ToString
// and the time functions. Dates are days since 1970-01-01; timestamps microseconds since the
// epoch, UTC (proleptic Gregorian calendar).

struct CivilDate {
  int64_t year = 1970;
  int month = 1;  // 1..12
  int day = 1;    // 1..31
};

/// Converts days since the epoch to year/month/day.
CivilDate CivilFromDays(int64_t days);
/// Converts year/month/day to days since the epoch.
int64_t DaysFromCivil(int64_t year, int month, int day);
/// Returns floor(a / b) for b > 0.
inline int64_t FloorDiv(int64_t a, int64_t b) { return a / b - ((a % b != 0) && (a < 0)); }

constexpr int64_t kMicrosPerSecond = 1'000'000;
constexpr int64_t kMicrosPerDay = 86'400 * kMicrosPerSecond;

/// Formats a double as Java's Double.toString does (Athena's cast to varchar): "1.0", "0.5",
/// "1.0E20", "1.0E-5", "NaN", "Infinity".
std::string FormatDouble(double value);
/// Formats days since the epoch as "YYYY-MM-DD".
std::string FormatDate(int64_t days);
/// Formats microseconds since the epoch as "YYYY-MM-DD HH:MM:SS.mmm", as Athena shows them.
std::string FormatTimestamp(int64_t micros);

/// Parses "YYYY-MM-DD" (surrounding spaces allowed); nullopt when malformed or out of range.
std::optional<int64_t> ParseDate(std::string_view text);
/// Parses "YYYY-MM-DD[( |T)HH:MM[:SS[.fraction]]]" (optional trailing "Z" or " UTC");
/// nullopt when malformed.
std::optional<int64_t> ParseTimestamp(std::string_view text);

}  // namespace stedi::sql
