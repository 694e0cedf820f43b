#include <charconv>
#include <cmath>
#include <limits>

#include "sql/expression/operand.h"
#include "sql/expression/value_text.h"

namespace stedi::sql {

namespace {

std::string_view TrimSpaces(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return s;
}

Status BadValue(const ScalarValue& value, TypeId to, const BoundExpr& cast, std::string_view why) {
  return Status::Invalid("cannot cast " + value.ToString() + " to " + std::string(TypeName(to)) +
                         (why.empty() ? "" : ": " + std::string(why)) + LocationSuffix(cast));
}

std::optional<int64_t> ParseInteger(std::string_view text) {
  std::string_view s = TrimSpaces(text);
  if (!s.empty() && s.front() == '+') s.remove_prefix(1);
  int64_t v = 0;
  auto res = std::from_chars(s.data(), s.data() + s.size(), v);
  if (s.empty() || res.ec != std::errc() || res.ptr != s.data() + s.size()) return std::nullopt;
  return v;
}

std::optional<double> ParseDouble(std::string_view text) {
  std::string_view s = TrimSpaces(text);
  if (!s.empty() && s.front() == '+') s.remove_prefix(1);
  double v = 0;
  auto res = std::from_chars(s.data(), s.data() + s.size(), v);
  if (s.empty() || res.ec != std::errc() || res.ptr != s.data() + s.size()) return std::nullopt;
  return v;
}

std::optional<bool> ParseBoolean(std::string_view text) {
  std::string s(TrimSpaces(text));
  for (char& c : s) c = static_cast<char>(c >= 'A' && c <= 'Z' ? c - 'A' + 'a' : c);
  if (s == "true" || s == "t" || s == "1") return true;
  if (s == "false" || s == "f" || s == "0") return false;
  return std::nullopt;
}

// Reads row I of a numeric or boolean column as a double / an int64.
double NumberAsDouble(const Column& in, size_t i) {
  switch (in.type()) {
    case TypeId::kBoolean:
      return in.GetBool(i) ? 1 : 0;
    case TypeId::kInt32:
      return in.GetInt32(i);
    case TypeId::kInt64:
      return static_cast<double>(in.GetInt64(i));
    default:
      return in.GetDouble(i);
  }
}

// Applies F(row, builder) -> Status to every present row; null rows stay null.
template <typename F>
Result<Column> MapRows(const Column& in, TypeId to, F f) {
  ColumnBuilder out(to);
  out.Reserve(in.size());
  for (size_t i = 0; i < in.size(); ++i) {
    if (in.IsNull(i)) {
      out.AppendNull();
    } else {
      STEDI_RETURN_NOT_OK(f(i, out));
    }
  }
  return out.Finish();
}

template <typename From, typename To>
Column WidenFixed(const Column& in, TypeId to) {
  std::vector<To> out(in.size());
  const uint8_t* data = in.values().data();
  for (size_t i = 0; i < out.size(); ++i) out[i] = static_cast<To>(LoadRaw<From>(data, i));
  return BuildFixed(to, out, in.validity());
}

Result<Column> ToStringColumn(const Column& in) {
  switch (in.type()) {
    case TypeId::kBoolean:
      return MapRows(in, TypeId::kString, [&](size_t i, ColumnBuilder& b) {
        b.AppendString(in.GetBool(i) ? "true" : "false");
        return Status::OK();
      });
    case TypeId::kInt32:
    case TypeId::kInt64:
      return MapRows(in, TypeId::kString, [&](size_t i, ColumnBuilder& b) {
        char buf[24];
        const int64_t v = in.type() == TypeId::kInt32 ? in.GetInt32(i) : in.GetInt64(i);
        auto res = std::to_chars(buf, buf + sizeof(buf), v);
        b.AppendString(std::string_view(buf, res.ptr - buf));
        return Status::OK();
      });
    case TypeId::kFloat64:
      return MapRows(in, TypeId::kString, [&](size_t i, ColumnBuilder& b) {
        b.AppendString(FormatDouble(in.GetDouble(i)));
        return Status::OK();
      });
    case TypeId::kDate:
      return MapRows(in, TypeId::kString, [&](size_t i, ColumnBuilder& b) {
        b.AppendString(FormatDate(in.GetInt32(i)));
        return Status::OK();
      });
    case TypeId::kTimestamp:
      return MapRows(in, TypeId::kString, [&](size_t i, ColumnBuilder& b) {
        b.AppendString(FormatTimestamp(in.GetInt64(i)));
        return Status::OK();
      });
    case TypeId::kString:
    case TypeId::kBinary:
      break;
  }
  return MapRows(in, TypeId::kString, [&](size_t i, ColumnBuilder& b) {
    b.AppendString(in.GetString(i));
    return Status::OK();
  });
}

Result<Column> FromString(const Column& in, TypeId to, const BoundExpr& cast) {
  auto bad = [&](size_t i, std::string_view why = {}) {
    return BadValue(ScalarValue{TypeId::kString, std::string(in.GetString(i))}, to, cast, why);
  };
  switch (to) {
    case TypeId::kInt32:
    case TypeId::kInt64:
      return MapRows(in, to, [&](size_t i, ColumnBuilder& b) -> Status {
        auto v = ParseInteger(in.GetString(i));
        if (!v) return bad(i);
        if (to == TypeId::kInt32) {
          if (*v < std::numeric_limits<int32_t>::min() ||
              *v > std::numeric_limits<int32_t>::max()) {
            return bad(i, "out of range");
          }
          b.AppendInt32(static_cast<int32_t>(*v));
        } else {
          b.AppendInt64(*v);
        }
        return Status::OK();
      });
    case TypeId::kFloat64:
      return MapRows(in, to, [&](size_t i, ColumnBuilder& b) -> Status {
        auto v = ParseDouble(in.GetString(i));
        if (!v) return bad(i);
        b.AppendDouble(*v);
        return Status::OK();
      });
    case TypeId::kBoolean:
      return MapRows(in, to, [&](size_t i, ColumnBuilder& b) -> Status {
        auto v = ParseBoolean(in.GetString(i));
        if (!v) return bad(i);
        b.AppendBool(*v);
        return Status::OK();
      });
    case TypeId::kDate:
      return MapRows(in, to, [&](size_t i, ColumnBuilder& b) -> Status {
        auto v = ParseDate(in.GetString(i));
        if (!v) return bad(i);
        b.AppendInt32(static_cast<int32_t>(*v));
        return Status::OK();
      });
    case TypeId::kTimestamp:
      return MapRows(in, to, [&](size_t i, ColumnBuilder& b) -> Status {
        auto v = ParseTimestamp(in.GetString(i));
        if (!v) return bad(i);
        b.AppendInt64(*v);
        return Status::OK();
      });
    case TypeId::kString:
    case TypeId::kBinary:
      break;
  }
  return ToStringColumn(in);
}

// Doubles become integers rounded half away from zero, as Presto casts them.
Result<Column> DoubleToInteger(const Column& in, TypeId to, const BoundExpr& cast) {
  const double lo = to == TypeId::kInt32 ? -2147483648.0 : -9223372036854775808.0;
  const double hi = to == TypeId::kInt32 ? 2147483647.0 : 9223372036854775807.0;
  return MapRows(in, to, [&](size_t i, ColumnBuilder& b) -> Status {
    const double r = std::round(in.GetDouble(i));
    if (std::isnan(r) || r < lo || r >= hi + 1) {
      return BadValue(ScalarValue{TypeId::kFloat64, in.GetDouble(i)}, to, cast, "out of range");
    }
    if (to == TypeId::kInt32) {
      b.AppendInt32(static_cast<int32_t>(r));
    } else {
      b.AppendInt64(static_cast<int64_t>(r));
    }
    return Status::OK();
  });
}

bool IsNumericOrBool(TypeId t) {
  return t == TypeId::kBoolean || t == TypeId::kInt32 || t == TypeId::kInt64 ||
         t == TypeId::kFloat64;
}

}  // namespace

Result<Column> CastColumn(const Column& in, TypeId to, const BoundExpr& cast) {
  const TypeId from = in.type();
  if (from == to) return in;
  if (to == TypeId::kString) return ToStringColumn(in);
  if (from == TypeId::kString) return FromString(in, to, cast);
  if (from == TypeId::kDate && to == TypeId::kTimestamp) {
    return MapRows(in, to, [&](size_t i, ColumnBuilder& b) {
      b.AppendInt64(int64_t{in.GetInt32(i)} * kMicrosPerDay);
      return Status::OK();
    });
  }
  if (from == TypeId::kTimestamp && to == TypeId::kDate) {
    return MapRows(in, to, [&](size_t i, ColumnBuilder& b) {
      b.AppendInt32(static_cast<int32_t>(FloorDiv(in.GetInt64(i), kMicrosPerDay)));
      return Status::OK();
    });
  }
  if (IsNumericOrBool(from) && IsNumericOrBool(to)) {
    if (from == TypeId::kInt32 && to == TypeId::kInt64) return WidenFixed<int32_t, int64_t>(in, to);
    if (from == TypeId::kInt32 && to == TypeId::kFloat64) {
      return WidenFixed<int32_t, double>(in, to);
    }
    if (from == TypeId::kInt64 && to == TypeId::kFloat64) {
      return WidenFixed<int64_t, double>(in, to);
    }
    if (to == TypeId::kBoolean) {
      return MapRows(in, to, [&](size_t i, ColumnBuilder& b) {
        b.AppendBool(NumberAsDouble(in, i) != 0);
        return Status::OK();
      });
    }
    if (from == TypeId::kFloat64) return DoubleToInteger(in, to, cast);
    if (to == TypeId::kFloat64) {
      return MapRows(in, to, [&](size_t i, ColumnBuilder& b) {
        b.AppendDouble(NumberAsDouble(in, i));
        return Status::OK();
      });
    }
    // Integer or boolean to int32/int64.
    return MapRows(in, to, [&](size_t i, ColumnBuilder& b) -> Status {
      const int64_t v = from == TypeId::kInt64   ? in.GetInt64(i)
                        : from == TypeId::kInt32 ? in.GetInt32(i)
                                                 : (in.GetBool(i) ? 1 : 0);
      if (to == TypeId::kInt32) {
        if (v < std::numeric_limits<int32_t>::min() || v > std::numeric_limits<int32_t>::max()) {
          return BadValue(ScalarValue{from, v}, to, cast, "out of range");
        }
        b.AppendInt32(static_cast<int32_t>(v));
      } else {
        b.AppendInt64(v);
      }
      return Status::OK();
    });
  }
  return Status::Invalid("cannot cast " + std::string(TypeName(from)) + " to " +
                         std::string(TypeName(to)) + LocationSuffix(cast));
}

}  // namespace stedi::sql
