#include "sql/expression/value_text.h"

#include <charconv>
#include <cmath>
#include <cstdio>
#include <cstdlib>

namespace stedi::sql {

// The civil-calendar conversions count 400-year eras of 146097 days, in which the pattern of
// leap years repeats; months are counted from March so that February's odd length comes last.
CivilDate CivilFromDays(int64_t days) {
  const int64_t shifted = days + 719468;  // days from 0000-03-01
  const int64_t era = FloorDiv(shifted, 146097);
  const int64_t day_of_era = shifted - era * 146097;
  const int64_t year_of_era =
      (day_of_era - day_of_era / 1460 + day_of_era / 36524 - day_of_era / 146096) / 365;
  const int64_t day_of_year =
      day_of_era - (365 * year_of_era + year_of_era / 4 - year_of_era / 100);
  const int64_t month_index = (5 * day_of_year + 2) / 153;  // 0 = March
  CivilDate out;
  out.day = static_cast<int>(day_of_year - (153 * month_index + 2) / 5 + 1);
  out.month = static_cast<int>(month_index < 10 ? month_index + 3 : month_index - 9);
  out.year = year_of_era + era * 400 + (out.month <= 2 ? 1 : 0);
  return out;
}

int64_t DaysFromCivil(int64_t year, int month, int day) {
  year -= month <= 2 ? 1 : 0;
  const int64_t era = FloorDiv(year, 400);
  const int64_t year_of_era = year - era * 400;
  const int64_t month_index = month > 2 ? month - 3 : month + 9;
  const int64_t day_of_year = (153 * month_index + 2) / 5 + day - 1;
  const int64_t day_of_era = year_of_era * 365 + year_of_era / 4 - year_of_era / 100 + day_of_year;
  return era * 146097 + day_of_era - 719468;
}

std::string FormatDouble(double value) {
  if (std::isnan(value)) return "NaN";
  if (std::isinf(value)) return value > 0 ? "Infinity" : "-Infinity";
  if (value == 0) return std::signbit(value) ? "-0.0" : "0.0";
  // Shortest round-trip digits, then laid out by Java's rules: plain notation for
  // 1e-3 <= |v| < 1e7, otherwise d.dddE<exp>.
  char buf[64];
  auto res = std::to_chars(buf, buf + sizeof(buf), value, std::chars_format::scientific);
  std::string sci(buf, res.ptr);
  std::string sign;
  if (sci[0] == '-') {
    sign = "-";
    sci.erase(0, 1);
  }
  const size_t e = sci.find('e');
  std::string digits;
  for (size_t i = 0; i < e; ++i) {
    if (sci[i] != '.') digits.push_back(sci[i]);
  }
  const int exponent = std::atoi(sci.c_str() + e + 1);
  while (digits.size() > 1 && digits.back() == '0') digits.pop_back();
  const double magnitude = std::fabs(value);
  std::string out = sign;
  if (magnitude >= 1e-3 && magnitude < 1e7) {
    if (exponent >= 0) {
      const size_t int_len = static_cast<size_t>(exponent) + 1;
      std::string int_part = digits.substr(0, std::min(int_len, digits.size()));
      while (int_part.size() < int_len) int_part.push_back('0');
      std::string frac = digits.size() > int_len ? digits.substr(int_len) : "0";
      out += int_part + "." + frac;
    } else {
      out += "0." + std::string(static_cast<size_t>(-exponent - 1), '0') + digits;
    }
  } else {
    out += digits.substr(0, 1) + "." + (digits.size() > 1 ? digits.substr(1) : "0") + "E" +
           std::to_string(exponent);
  }
  return out;
}

std::string FormatDate(int64_t days) {
  const CivilDate d = CivilFromDays(days);
  char buf[32];
  std::snprintf(buf, sizeof(buf), "%04lld-%02d-%02d", static_cast<long long>(d.year), d.month,
                d.day);
  return buf;
}

std::string FormatTimestamp(int64_t micros) {
  const int64_t days = FloorDiv(micros, kMicrosPerDay);
  const int64_t in_day = micros - days * kMicrosPerDay;
  const int64_t seconds = in_day / kMicrosPerSecond;
  const int64_t millis = (in_day % kMicrosPerSecond) / 1000;
  char buf[48];
  std::snprintf(buf, sizeof(buf), " %02d:%02d:%02d.%03d", static_cast<int>(seconds / 3600),
                static_cast<int>(seconds / 60 % 60), static_cast<int>(seconds % 60),
                static_cast<int>(millis));
  return FormatDate(days) + buf;
}

namespace {

std::string_view TrimSpaces(std::string_view s) {
  while (!s.empty() && s.front() == ' ') s.remove_prefix(1);
  while (!s.empty() && s.back() == ' ') s.remove_suffix(1);
  return s;
}

// Reads exactly WIDTH digits (or, when MAX_WIDTH > WIDTH, up to MAX_WIDTH) at the front of S.
bool ReadNumber(std::string_view& s, size_t width, size_t max_width, int64_t* out) {
  size_t n = 0;
  int64_t v = 0;
  while (n < s.size() && n < max_width && s[n] >= '0' && s[n] <= '9') {
    v = v * 10 + (s[n] - '0');
    ++n;
  }
  if (n < width) return false;
  s.remove_prefix(n);
  *out = v;
  return true;
}

bool Expect(std::string_view& s, char c) {
  if (s.empty() || s.front() != c) return false;
  s.remove_prefix(1);
  return true;
}

int DaysInMonth(int64_t year, int month) {
  static constexpr int kDays[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  const bool leap = (year % 4 == 0 && year % 100 != 0) || year % 400 == 0;
  return month == 2 && leap ? 29 : kDays[month - 1];
}

// Parses the date part at the front of S.
bool ReadDate(std::string_view& s, int64_t* days) {
  int64_t year = 0, month = 0, day = 0;
  if (!ReadNumber(s, 4, 4, &year) || !Expect(s, '-') || !ReadNumber(s, 1, 2, &month) ||
      !Expect(s, '-') || !ReadNumber(s, 1, 2, &day)) {
    return false;
  }
  if (month < 1 || month > 12 || day < 1 || day > DaysInMonth(year, static_cast<int>(month))) {
    return false;
  }
  *days = DaysFromCivil(year, static_cast<int>(month), static_cast<int>(day));
  return true;
}

}  // namespace

std::optional<int64_t> ParseDate(std::string_view text) {
  std::string_view s = TrimSpaces(text);
  int64_t days = 0;
  if (!ReadDate(s, &days) || !s.empty()) return std::nullopt;
  return days;
}

std::optional<int64_t> ParseTimestamp(std::string_view text) {
  std::string_view s = TrimSpaces(text);
  int64_t days = 0;
  if (!ReadDate(s, &days)) return std::nullopt;
  int64_t micros = days * kMicrosPerDay;
  if (s.empty()) return micros;
  if (s.front() != ' ' && s.front() != 'T') return std::nullopt;
  s.remove_prefix(1);
  int64_t hour = 0, minute = 0, second = 0;
  if (!ReadNumber(s, 1, 2, &hour) || !Expect(s, ':') || !ReadNumber(s, 2, 2, &minute)) {
    return std::nullopt;
  }
  int64_t fraction = 0;
  if (Expect(s, ':')) {
    if (!ReadNumber(s, 2, 2, &second)) return std::nullopt;
    if (Expect(s, '.')) {
      size_t digits = 0;
      int64_t scale = 100000;
      while (!s.empty() && s.front() >= '0' && s.front() <= '9') {
        if (digits < 6) fraction += (s.front() - '0') * scale;
        scale /= 10;
        ++digits;
        s.remove_prefix(1);
      }
      if (digits == 0) return std::nullopt;
    }
  }
  if (s == "Z" || s == " UTC" || s == "UTC") s = {};
  if (!s.empty() || hour > 23 || minute > 59 || second > 59) return std::nullopt;
  return micros + ((hour * 60 + minute) * 60 + second) * kMicrosPerSecond + fraction;
}

}  // namespace stedi::sql
