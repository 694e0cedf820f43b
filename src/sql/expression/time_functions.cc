#include <algorithm>
#include <cmath>
#include <string>

#include "columnar/column_kernels.h"
#include "sql/expression/operand.h"
#include "sql/expression/value_text.h"

namespace stedi::sql {

namespace {

constexpr std::string_view kWeekdays[] = {"Sunday",   "Monday", "Tuesday", "Wednesday",
                                          "Thursday", "Friday", "Saturday"};
constexpr std::string_view kMonths[] = {"January",   "February", "March",    "April",
                                        "May",       "June",     "July",     "August",
                                        "September", "October",  "November", "December"};

// 1970-01-01 was a Thursday: these give 0 for Sunday and 0 for Monday respectively.
int WeekdayFromSunday(int64_t days) { return static_cast<int>(((days + 4) % 7 + 7) % 7); }
int WeekdayFromMonday(int64_t days) { return static_cast<int>(((days + 3) % 7 + 7) % 7); }

// Returns the first day of the unit (week/month/quarter/year) containing DAYS.
int64_t TruncateDays(int64_t days, std::string_view unit) {
  if (unit == "week") return days - WeekdayFromMonday(days);
  const CivilDate d = CivilFromDays(days);
  if (unit == "month") return DaysFromCivil(d.year, d.month, 1);
  if (unit == "quarter") return DaysFromCivil(d.year, (d.month - 1) / 3 * 3 + 1, 1);
  if (unit == "year") return DaysFromCivil(d.year, 1, 1);
  return days;
}

int64_t TruncateMicros(int64_t micros, std::string_view unit) {
  if (unit == "second") return FloorDiv(micros, kMicrosPerSecond) * kMicrosPerSecond;
  if (unit == "minute") return FloorDiv(micros, 60 * kMicrosPerSecond) * 60 * kMicrosPerSecond;
  if (unit == "hour") return FloorDiv(micros, 3600 * kMicrosPerSecond) * 3600 * kMicrosPerSecond;
  return TruncateDays(FloorDiv(micros, kMicrosPerDay), unit) * kMicrosPerDay;
}

void AppendPadded(std::string& out, int64_t value, int width) {
  std::string digits = std::to_string(value);
  if (static_cast<int>(digits.size()) < width) out.append(width - digits.size(), '0');
  out += digits;
}

// MySQL-style specifiers as Athena's date_format; returns the bad specifier on failure.
std::optional<std::string> FormatTime(int64_t micros, std::string_view format, std::string& out) {
  const int64_t days = FloorDiv(micros, kMicrosPerDay);
  const int64_t in_day = micros - days * kMicrosPerDay;
  const CivilDate d = CivilFromDays(days);
  const int64_t hour = in_day / (3600 * kMicrosPerSecond);
  const int64_t minute = in_day / (60 * kMicrosPerSecond) % 60;
  const int64_t second = in_day / kMicrosPerSecond % 60;
  const int64_t fraction = in_day % kMicrosPerSecond;
  for (size_t i = 0; i < format.size(); ++i) {
    if (format[i] != '%') {
      out.push_back(format[i]);
      continue;
    }
    if (i + 1 == format.size()) return std::string("%");
    const char spec = format[++i];
    switch (spec) {
      case 'Y':
        AppendPadded(out, d.year, 4);
        break;
      case 'y':
        AppendPadded(out, ((d.year % 100) + 100) % 100, 2);
        break;
      case 'm':
        AppendPadded(out, d.month, 2);
        break;
      case 'c':
        out += std::to_string(d.month);
        break;
      case 'd':
        AppendPadded(out, d.day, 2);
        break;
      case 'e':
        out += std::to_string(d.day);
        break;
      case 'H':
        AppendPadded(out, hour, 2);
        break;
      case 'h':
        AppendPadded(out, hour % 12 == 0 ? 12 : hour % 12, 2);
        break;
      case 'i':
        AppendPadded(out, minute, 2);
        break;
      case 's':
      case 'S':
        AppendPadded(out, second, 2);
        break;
      case 'f':
        AppendPadded(out, fraction, 6);
        break;
      case 'p':
        out += hour < 12 ? "AM" : "PM";
        break;
      case 'j':
        AppendPadded(out, days - DaysFromCivil(d.year, 1, 1) + 1, 3);
        break;
      case 'a':
        out += kWeekdays[WeekdayFromSunday(days)].substr(0, 3);
        break;
      case 'W':
        out += kWeekdays[WeekdayFromSunday(days)];
        break;
      case 'b':
        out += kMonths[d.month - 1].substr(0, 3);
        break;
      case 'M':
        out += kMonths[d.month - 1];
        break;
      case '%':
        out.push_back('%');
        break;
      default:
        return std::string("%") + spec;
    }
  }
  return std::nullopt;
}

std::string_view UnitOf(const Operand& unit) {
  if (unit.is_scalar()) return std::get<std::string>(unit.scalar->value);
  return unit.column->GetString(0);
}

int64_t UnitMicros(std::string_view unit) {
  if (unit == "millisecond") return 1000;
  if (unit == "second") return kMicrosPerSecond;
  if (unit == "minute") return 60 * kMicrosPerSecond;
  if (unit == "hour") return 3600 * kMicrosPerSecond;
  if (unit == "day") return kMicrosPerDay;
  if (unit == "week") return 7 * kMicrosPerDay;
  return 0;  // calendar units
}

int64_t MonthsPerUnit(std::string_view unit) {
  return unit == "year" ? 12 : unit == "quarter" ? 3 : 1;
}

// Adds MONTHS calendar months, clamping the day to the end of a shorter month (Jan 31 + 1
// month = Feb 29 in a leap year), as Presto does.
int64_t AddMonths(int64_t micros, int64_t months) {
  const int64_t days = FloorDiv(micros, kMicrosPerDay);
  const int64_t in_day = micros - days * kMicrosPerDay;
  const CivilDate d = CivilFromDays(days);
  const int64_t total = d.year * 12 + (d.month - 1) + months;
  const int64_t year = FloorDiv(total, 12);
  const int month = static_cast<int>(total - year * 12) + 1;
  const int64_t first_of_next =
      month == 12 ? DaysFromCivil(year + 1, 1, 1) : DaysFromCivil(year, month + 1, 1);
  const int64_t last_day = first_of_next - DaysFromCivil(year, month, 1);
  const int day = static_cast<int>(std::min<int64_t>(d.day, last_day));
  return DaysFromCivil(year, month, day) * kMicrosPerDay + in_day;
}

// Whole calendar months from A to B, truncated toward zero.
int64_t MonthsBetween(int64_t a, int64_t b) {
  const int64_t da = FloorDiv(a, kMicrosPerDay);
  const int64_t db = FloorDiv(b, kMicrosPerDay);
  const CivilDate ca = CivilFromDays(da);
  const CivilDate cb = CivilFromDays(db);
  int64_t months = (cb.year * 12 + cb.month) - (ca.year * 12 + ca.month);
  // Position within the month: day, then time of day.
  const int64_t pa = ca.day * kMicrosPerDay + (a - da * kMicrosPerDay);
  const int64_t pb = cb.day * kMicrosPerDay + (b - db * kMicrosPerDay);
  if (months > 0 && pb < pa) --months;
  if (months < 0 && pb > pa) ++months;
  return months;
}

int64_t Field(std::string_view f, int64_t micros) {
  const int64_t days = FloorDiv(micros, kMicrosPerDay);
  const int64_t in_day = micros - days * kMicrosPerDay;
  if (f == "hour") return in_day / (3600 * kMicrosPerSecond);
  if (f == "minute") return in_day / (60 * kMicrosPerSecond) % 60;
  if (f == "second") return in_day / kMicrosPerSecond % 60;
  if (f == "day_of_week") return WeekdayFromMonday(days) + 1;  // ISO: Monday 1 .. Sunday 7
  const CivilDate d = CivilFromDays(days);
  if (f == "year") return d.year;
  if (f == "quarter") return (d.month - 1) / 3 + 1;
  if (f == "month") return d.month;
  if (f == "day") return d.day;
  return days - DaysFromCivil(d.year, 1, 1) + 1;  // day_of_year
}

}  // namespace

Result<Column> EvaluateTimeFunction(const BoundExpr& call, std::vector<Operand>& args,
                                    size_t rows) {
  const std::string& f = call.function;
  if (f == "from_unixtime") {
    const Column& in = Materialize(args[0], rows);
    if (in.type() == TypeId::kFloat64) {
      std::vector<int64_t> out(rows);
      for (size_t i = 0; i < rows; ++i) {
        // Athena keeps milliseconds: the seconds are rounded to the nearest millisecond.
        const double micros = std::round(in.GetDouble(i) * 1e3) * 1e3;
        if (!in.IsNull(i) && !(std::fabs(micros) < 9.2e18)) {
          return Status::Invalid("from_unixtime(" + FormatDouble(in.GetDouble(i)) +
                                 ") is out of range" + LocationSuffix(call));
        }
        out[i] = in.IsNull(i) ? 0 : static_cast<int64_t>(micros);
      }
      return BuildFixed(TypeId::kTimestamp, out, in.validity());
    }
    std::vector<int64_t> out(rows);
    bool overflow = false;
    for (size_t i = 0; i < rows; ++i) {
      overflow |= __builtin_mul_overflow(in.GetInt64(i), kMicrosPerSecond, &out[i]);
    }
    if (overflow) {
      return Status::Invalid("from_unixtime argument out of range" + LocationSuffix(call));
    }
    return BuildFixed(TypeId::kTimestamp, out, in.validity());
  }
  if (f == "to_unixtime") {
    const Column& in = Materialize(args[0], rows);
    std::vector<double> out(rows);
    for (size_t i = 0; i < rows; ++i) out[i] = static_cast<double>(in.GetInt64(i)) / 1e6;
    return BuildFixed(TypeId::kFloat64, out, in.validity());
  }
  if (f == "date_trunc") {
    if (args[0].is_scalar() && args[0].scalar->is_null()) return NullColumn(call.type, rows);
    const std::string unit(UnitOf(args[0]));
    const Column& in = Materialize(args[1], rows);
    if (in.type() == TypeId::kDate) {
      std::vector<int32_t> out(rows);
      for (size_t i = 0; i < rows; ++i) {
        out[i] = static_cast<int32_t>(TruncateDays(in.GetInt32(i), unit));
      }
      return BuildFixed(TypeId::kDate, out, in.validity());
    }
    std::vector<int64_t> out(rows);
    for (size_t i = 0; i < rows; ++i) out[i] = TruncateMicros(in.GetInt64(i), unit);
    return BuildFixed(TypeId::kTimestamp, out, in.validity());
  }
  if (f == "year" || f == "quarter" || f == "month" || f == "day" || f == "hour" || f == "minute" ||
      f == "second" || f == "day_of_week" || f == "day_of_year") {
    const Column& in = Materialize(args[0], rows);
    std::vector<int64_t> out(rows);
    for (size_t i = 0; i < rows; ++i) out[i] = Field(f, in.GetInt64(i));
    return BuildFixed(TypeId::kInt64, out, in.validity());
  }
  if (f == "date_add") {
    if (args[0].is_scalar() && args[0].scalar->is_null()) return NullColumn(call.type, rows);
    const std::string unit(UnitOf(args[0]));
    const Column& amount = Materialize(args[1], rows);
    const Column& in = Materialize(args[2], rows);
    const bool is_date = in.type() == TypeId::kDate;
    const int64_t step = UnitMicros(unit);
    if (is_date && step != 0 && step % kMicrosPerDay != 0) {
      return Status::Invalid("date_add of " + unit + " to a date" + LocationSuffix(call));
    }
    ColumnBuilder out(in.type());
    out.Reserve(rows);
    for (size_t i = 0; i < rows; ++i) {
      if (amount.IsNull(i) || in.IsNull(i)) {
        out.AppendNull();
        continue;
      }
      const int64_t micros = is_date ? int64_t{in.GetInt32(i)} * kMicrosPerDay : in.GetInt64(i);
      int64_t result = 0;
      if (step != 0) {
        int64_t delta = 0;
        if (__builtin_mul_overflow(amount.GetInt64(i), step, &delta) ||
            __builtin_add_overflow(micros, delta, &result)) {
          return Status::Invalid("date_add out of range" + LocationSuffix(call));
        }
      } else {
        result = AddMonths(micros, amount.GetInt64(i) * MonthsPerUnit(unit));
      }
      if (is_date) {
        out.AppendInt32(static_cast<int32_t>(FloorDiv(result, kMicrosPerDay)));
      } else {
        out.AppendInt64(result);
      }
    }
    return out.Finish();
  }
  if (f == "date_diff") {
    if (args[0].is_scalar() && args[0].scalar->is_null()) return NullColumn(call.type, rows);
    const std::string unit(UnitOf(args[0]));
    const Column& a = Materialize(args[1], rows);
    const Column& b = Materialize(args[2], rows);
    const int64_t step = UnitMicros(unit);
    std::vector<int64_t> out(rows);
    for (size_t i = 0; i < rows; ++i) {
      const int64_t x = a.GetInt64(i);
      const int64_t y = b.GetInt64(i);
      out[i] = step != 0 ? (y - x) / step : MonthsBetween(x, y) / MonthsPerUnit(unit);
    }
    return BuildFixed(TypeId::kInt64, out,
                      MergeValidity(ValidityOf(args[1]), ValidityOf(args[2]), rows));
  }
  if (f == "date_format") {
    const Column& in = Materialize(args[0], rows);
    const Column& format = Materialize(args[1], rows);
    ColumnBuilder out(TypeId::kString);
    out.Reserve(rows);
    std::string buffer;
    for (size_t i = 0; i < rows; ++i) {
      if (in.IsNull(i) || format.IsNull(i)) {
        out.AppendNull();
        continue;
      }
      buffer.clear();
      auto bad = FormatTime(in.GetInt64(i), format.GetString(i), buffer);
      if (bad) {
        return Status::Invalid("date_format specifier " + *bad + " in '" +
                               std::string(format.GetString(i)) + "' is not supported" +
                               LocationSuffix(call));
      }
      out.AppendString(buffer);
    }
    return out.Finish();
  }
  return Status::Invalid("unknown time function " + f + LocationSuffix(call));
}

}  // namespace stedi::sql
