#include "sql/expression/function_binder.h"

#include <algorithm>
#include <chrono>

#include "sql/expression/evaluator.h"
#include "sql/expression/value_text.h"
#include "sql/parser/parser.h"

namespace stedi::sql {

namespace {

std::string Lower(std::string_view s) {
  std::string out(s);
  std::transform(out.begin(), out.end(), out.begin(), [](unsigned char c) {
    return static_cast<char>(c >= 'A' && c <= 'Z' ? c - 'A' + 'a' : c);
  });
  return out;
}

std::string CanonicalName(std::string_view name) {
  std::string n = Lower(name);
  if (n == "||") return "concat";
  if (n == "ceiling") return "ceil";
  if (n == "substring") return "substr";
  if (n == "char_length") return "length";
  if (n == "!=") return "<>";
  if (n == "mod") return "%";
  if (n == "btrim") return "trim";  // PostgreSQL's grammar spells TRIM(x) as btrim(x)
  if (n == "position") return "strpos";
  if (n == "date_part") return "extract";
  if (n == "pow") return "power";
  if (n == "day_of_month") return "day";
  if (n == "dow") return "day_of_week";
  if (n == "doy") return "day_of_year";
  return n;
}

bool IsNumeric(TypeId t) {
  return t == TypeId::kInt32 || t == TypeId::kInt64 || t == TypeId::kFloat64;
}
bool IsInteger(TypeId t) { return t == TypeId::kInt32 || t == TypeId::kInt64; }
bool IsTemporal(TypeId t) { return t == TypeId::kDate || t == TypeId::kTimestamp; }

bool IsNullLiteral(const BoundExpr& e) {
  return e.null_literal || (e.kind == BoundExpr::Kind::kConstant && e.constant.is_null() &&
                            e.type == TypeId::kString);
}

std::string At(int location, std::string_view sql) {
  return " at " + DescribePosition(sql, location);
}

bool CastAllowed(TypeId from, TypeId to) {
  if (from == to) return true;
  const bool from_scalar = IsNumeric(from) || from == TypeId::kBoolean;
  const bool to_scalar = IsNumeric(to) || to == TypeId::kBoolean;
  if (from_scalar && to_scalar) return true;
  if (from == TypeId::kString) return to_scalar || IsTemporal(to);
  if (to == TypeId::kString) return from_scalar || IsTemporal(from);
  return IsTemporal(from) && IsTemporal(to);
}

// Converts EXPR to TYPE for an operator: untyped NULLs simply take the type.
Result<BoundExprPtr> Coerce(BoundExprPtr expr, TypeId type, std::string_view sql) {
  if (IsNullLiteral(*expr) && expr->kind == BoundExpr::Kind::kConstant) {
    expr->type = type;
    expr->constant = ScalarValue::Null(type);
    expr->null_literal = false;
    return expr;
  }
  if (expr->type == type) return expr;
  const int location = expr->location;
  return BindCast(std::move(expr), type, location, sql);
}

// Returns the type all of ARGS[FIRST..] share, ignoring untyped NULLs; a string constant
// among date/timestamp values yields to them (WHERE ts > '2024-01-01').
Result<TypeId> CommonTypeOf(const std::vector<BoundExprPtr>& args, size_t first,
                            std::optional<TypeId>* found) {
  std::optional<TypeId> common;
  bool has_temporal = false;
  for (size_t i = first; i < args.size(); ++i) has_temporal |= IsTemporal(args[i]->type);
  for (size_t i = first; i < args.size(); ++i) {
    const BoundExpr& a = *args[i];
    if (IsNullLiteral(a)) continue;
    if (has_temporal && a.kind == BoundExpr::Kind::kConstant && a.type == TypeId::kString) {
      continue;
    }
    if (!common) {
      common = a.type;
    } else {
      STEDI_ASSIGN_OR_RETURN(common, CommonType(*common, a.type));
    }
  }
  *found = common;
  return common.value_or(TypeId::kString);
}

BoundExprPtr MakeCall(std::string name, TypeId type, std::vector<BoundExprPtr> args, int location) {
  auto e = std::make_unique<BoundExpr>();
  e->kind = BoundExpr::Kind::kCall;
  e->function = std::move(name);
  e->type = type;
  e->args = std::move(args);
  e->location = location;
  return e;
}

int64_t NowMicros() {
  return std::chrono::duration_cast<std::chrono::microseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

}  // namespace

Result<BoundExprPtr> BindCall(std::string_view name, std::vector<BoundExprPtr> args, int location,
                              std::string_view sql) {
  const std::string fn = CanonicalName(name);
  auto signature = [&] {
    std::string s = fn + "(";
    for (size_t i = 0; i < args.size(); ++i) {
      s += (i > 0 ? ", " : "") +
           std::string(IsNullLiteral(*args[i]) ? "null" : TypeName(args[i]->type));
    }
    return s + ")";
  };
  auto mismatch = [&](std::string_view expected) {
    return Status::Invalid("function " + signature() + " does not exist; expected " +
                           std::string(expected) + At(location, sql));
  };
  auto coerce_all = [&](TypeId type, size_t first) -> Status {
    for (size_t i = first; i < args.size(); ++i) {
      STEDI_ASSIGN_OR_RETURN(args[i], Coerce(std::move(args[i]), type, sql));
    }
    return Status::OK();
  };
  auto arg_is = [&](size_t i, auto pred) { return IsNullLiteral(*args[i]) || pred(args[i]->type); };
  auto is_string = [](TypeId t) { return t == TypeId::kString; };
  auto is_numeric = [](TypeId t) { return IsNumeric(t); };

  if (fn == "+" || fn == "-" || fn == "*" || fn == "/" || fn == "%") {
    if (args.size() != 2 || !arg_is(0, is_numeric) || !arg_is(1, is_numeric)) {
      return mismatch(fn + "(number, number)");
    }
    std::optional<TypeId> found;
    STEDI_ASSIGN_OR_RETURN(TypeId type, CommonTypeOf(args, 0, &found));
    if (!found) type = TypeId::kInt64;
    STEDI_RETURN_NOT_OK(coerce_all(type, 0));
    return MakeCall(fn, type, std::move(args), location);
  }
  if (fn == "negate" || fn == "abs" || fn == "floor" || fn == "ceil") {
    if (args.size() != 1 || !arg_is(0, is_numeric)) return mismatch(fn + "(number)");
    const TypeId type = IsNullLiteral(*args[0]) ? TypeId::kInt64 : args[0]->type;
    STEDI_RETURN_NOT_OK(coerce_all(type, 0));
    return MakeCall(fn, type, std::move(args), location);
  }
  if (fn == "=" || fn == "<>" || fn == "<" || fn == "<=" || fn == ">" || fn == ">=" || fn == "in" ||
      fn == "coalesce" || fn == "nullif") {
    const bool binary = fn != "in" && fn != "coalesce";
    if ((binary && args.size() != 2) || args.empty() || (fn == "in" && args.size() < 2)) {
      return mismatch(fn == "in"         ? "value IN (item, ...)"
                      : fn == "coalesce" ? "coalesce(value, ...)"
                                         : fn + "(value, value)");
    }
    std::optional<TypeId> found;
    auto common = CommonTypeOf(args, 0, &found);
    if (!common.ok()) {
      return Status::Invalid("cannot apply " + fn + " to " + signature().substr(fn.size()) + ": " +
                             common.status().message() + At(location, sql));
    }
    const TypeId type = *common;
    STEDI_RETURN_NOT_OK(coerce_all(type, 0));
    const bool boolean = fn != "coalesce" && fn != "nullif";
    return MakeCall(fn, boolean ? TypeId::kBoolean : type, std::move(args), location);
  }
  if (fn == "and" || fn == "or" || fn == "not") {
    const size_t want = fn == "not" ? 1 : 2;
    auto is_bool = [](TypeId t) { return t == TypeId::kBoolean; };
    bool ok = args.size() == want;
    for (size_t i = 0; ok && i < args.size(); ++i) ok = arg_is(i, is_bool);
    if (!ok) return mismatch(fn == "not" ? "not(boolean)" : fn + "(boolean, boolean)");
    STEDI_RETURN_NOT_OK(coerce_all(TypeId::kBoolean, 0));
    return MakeCall(fn, TypeId::kBoolean, std::move(args), location);
  }
  if (fn == "is_null" || fn == "is_not_null") {
    if (args.size() != 1) return mismatch(fn + "(value)");
    return MakeCall(fn, TypeId::kBoolean, std::move(args), location);
  }
  if (fn == "like") {
    if (args.size() != 2 || !arg_is(0, is_string) || !arg_is(1, is_string)) {
      return mismatch("like(string, string)");
    }
    STEDI_RETURN_NOT_OK(coerce_all(TypeId::kString, 0));
    return MakeCall(fn, TypeId::kBoolean, std::move(args), location);
  }
  if (fn == "concat") {
    bool ok = !args.empty();
    for (size_t i = 0; ok && i < args.size(); ++i) ok = arg_is(i, is_string);
    if (!ok) return mismatch("concat(string, ...)");
    STEDI_RETURN_NOT_OK(coerce_all(TypeId::kString, 0));
    return MakeCall(fn, TypeId::kString, std::move(args), location);
  }
  if (fn == "extract") {
    // EXTRACT(field FROM x) arrives as extract('field', x): it is the function of that name.
    if (args.size() != 2 || args[0]->kind != BoundExpr::Kind::kConstant ||
        args[0]->type != TypeId::kString || args[0]->constant.is_null()) {
      return mismatch("extract(field FROM timestamp)");
    }
    std::string field = Lower(std::get<std::string>(args[0]->constant.value));
    static constexpr std::string_view kFields[] = {"year", "quarter",     "month",      "day",
                                                   "hour", "minute",      "second",     "dow",
                                                   "doy",  "day_of_week", "day_of_year"};
    if (std::find(std::begin(kFields), std::end(kFields), field) == std::end(kFields)) {
      return Status::Invalid("cannot extract " + field + At(location, sql));
    }
    std::vector<BoundExprPtr> value;
    value.push_back(std::move(args[1]));
    return BindCall(field, std::move(value), location, sql);
  }
  if ((fn == "trim" || fn == "ltrim" || fn == "rtrim") && args.size() == 2) {
    if (!arg_is(0, is_string) || !arg_is(1, is_string)) return mismatch(fn + "(string, string)");
    STEDI_RETURN_NOT_OK(coerce_all(TypeId::kString, 0));
    return MakeCall(fn, TypeId::kString, std::move(args), location);
  }
  if (fn == "lower" || fn == "upper" || fn == "trim" || fn == "length") {
    if (args.size() != 1 || !arg_is(0, is_string)) return mismatch(fn + "(string)");
    STEDI_RETURN_NOT_OK(coerce_all(TypeId::kString, 0));
    return MakeCall(fn, fn == "length" ? TypeId::kInt64 : TypeId::kString, std::move(args),
                    location);
  }
  if (fn == "substr") {
    auto is_int = [](TypeId t) { return IsInteger(t); };
    if (args.size() < 2 || args.size() > 3 || !arg_is(0, is_string) || !arg_is(1, is_int) ||
        (args.size() == 3 && !arg_is(2, is_int))) {
      return mismatch("substr(string, bigint[, bigint])");
    }
    STEDI_ASSIGN_OR_RETURN(args[0], Coerce(std::move(args[0]), TypeId::kString, sql));
    for (size_t i = 1; i < args.size(); ++i) {
      STEDI_ASSIGN_OR_RETURN(args[i], Coerce(std::move(args[i]), TypeId::kInt64, sql));
    }
    return MakeCall(fn, TypeId::kString, std::move(args), location);
  }
  if (fn == "round") {
    auto is_int = [](TypeId t) { return IsInteger(t); };
    if (args.empty() || args.size() > 2 || !arg_is(0, is_numeric) ||
        (args.size() == 2 && !arg_is(1, is_int))) {
      return mismatch("round(number[, bigint])");
    }
    if (args.size() == 2) {
      STEDI_ASSIGN_OR_RETURN(args[0], Coerce(std::move(args[0]), TypeId::kFloat64, sql));
      STEDI_ASSIGN_OR_RETURN(args[1], Coerce(std::move(args[1]), TypeId::kInt64, sql));
      return MakeCall(fn, TypeId::kFloat64, std::move(args), location);
    }
    const TypeId type = IsNullLiteral(*args[0]) ? TypeId::kFloat64 : args[0]->type;
    STEDI_RETURN_NOT_OK(coerce_all(type, 0));
    return MakeCall(fn, type, std::move(args), location);
  }
  if (fn == "sqrt") {
    if (args.size() != 1 || !arg_is(0, is_numeric)) return mismatch("sqrt(double)");
    STEDI_RETURN_NOT_OK(coerce_all(TypeId::kFloat64, 0));
    return MakeCall(fn, TypeId::kFloat64, std::move(args), location);
  }
  if (fn == "from_unixtime") {
    if (args.size() != 1 || !arg_is(0, is_numeric)) return mismatch("from_unixtime(double)");
    const TypeId type = args[0]->type == TypeId::kFloat64 ? TypeId::kFloat64 : TypeId::kInt64;
    STEDI_RETURN_NOT_OK(coerce_all(type, 0));
    return MakeCall(fn, TypeId::kTimestamp, std::move(args), location);
  }
  if (fn == "to_unixtime") {
    auto is_temporal = [](TypeId t) { return IsTemporal(t); };
    if (args.size() != 1 || !arg_is(0, is_temporal)) return mismatch("to_unixtime(timestamp)");
    STEDI_RETURN_NOT_OK(coerce_all(TypeId::kTimestamp, 0));
    return MakeCall(fn, TypeId::kFloat64, std::move(args), location);
  }
  if (fn == "date_trunc") {
    auto is_temporal = [](TypeId t) { return IsTemporal(t); };
    if (args.size() != 2 || !arg_is(0, is_string) || !arg_is(1, is_temporal)) {
      return mismatch("date_trunc(string, timestamp)");
    }
    const BoundExpr& unit = *args[0];
    if (unit.kind != BoundExpr::Kind::kConstant || unit.constant.is_null()) {
      return Status::Invalid("date_trunc needs a constant unit" + At(location, sql));
    }
    const std::string u = Lower(std::get<std::string>(unit.constant.value));
    static constexpr std::string_view kUnits[] = {"second", "minute", "hour",    "day",
                                                  "week",   "month",  "quarter", "year"};
    if (std::find(std::begin(kUnits), std::end(kUnits), u) == std::end(kUnits)) {
      return Status::Invalid("date_trunc unit '" + u +
                             "' is not one of second, minute, hour, day, week, month, quarter, "
                             "year" +
                             At(location, sql));
    }
    args[0] = BoundExpr::Constant(ScalarValue{TypeId::kString, u});
    const TypeId type = IsNullLiteral(*args[1]) ? TypeId::kTimestamp : args[1]->type;
    STEDI_ASSIGN_OR_RETURN(args[1], Coerce(std::move(args[1]), type, sql));
    return MakeCall(fn, type, std::move(args), location);
  }
  if (fn == "date_format") {
    auto is_temporal = [](TypeId t) { return IsTemporal(t); };
    if (args.size() != 2 || !arg_is(0, is_temporal) || !arg_is(1, is_string)) {
      return mismatch("date_format(timestamp, string)");
    }
    STEDI_ASSIGN_OR_RETURN(args[0], Coerce(std::move(args[0]), TypeId::kTimestamp, sql));
    STEDI_ASSIGN_OR_RETURN(args[1], Coerce(std::move(args[1]), TypeId::kString, sql));
    return MakeCall(fn, TypeId::kString, std::move(args), location);
  }
  if (fn == "year" || fn == "quarter" || fn == "month" || fn == "day" || fn == "hour" ||
      fn == "minute" || fn == "second" || fn == "day_of_week" || fn == "day_of_year") {
    auto is_temporal = [](TypeId t) { return IsTemporal(t); };
    if (args.size() != 1 || !arg_is(0, is_temporal)) return mismatch(fn + "(timestamp)");
    STEDI_RETURN_NOT_OK(coerce_all(TypeId::kTimestamp, 0));
    return MakeCall(fn, TypeId::kInt64, std::move(args), location);
  }
  if (fn == "ltrim" || fn == "rtrim") {
    if (args.size() != 1 || !arg_is(0, is_string)) return mismatch(fn + "(string)");
    STEDI_RETURN_NOT_OK(coerce_all(TypeId::kString, 0));
    return MakeCall(fn, TypeId::kString, std::move(args), location);
  }
  if (fn == "replace" || fn == "strpos") {
    const bool replace = fn == "replace";
    bool ok = replace ? (args.size() == 2 || args.size() == 3) : args.size() == 2;
    for (size_t i = 0; ok && i < args.size(); ++i) ok = arg_is(i, is_string);
    if (!ok)
      return mismatch(replace ? "replace(string, string[, string])" : "strpos(string, string)");
    STEDI_RETURN_NOT_OK(coerce_all(TypeId::kString, 0));
    return MakeCall(fn, replace ? TypeId::kString : TypeId::kInt64, std::move(args), location);
  }
  if (fn == "power" || fn == "ln" || fn == "exp" || fn == "log10" || fn == "log2") {
    const size_t want = fn == "power" ? 2 : 1;
    bool ok = args.size() == want;
    for (size_t i = 0; ok && i < args.size(); ++i) ok = arg_is(i, is_numeric);
    if (!ok) return mismatch(fn == "power" ? "power(double, double)" : fn + "(double)");
    STEDI_RETURN_NOT_OK(coerce_all(TypeId::kFloat64, 0));
    return MakeCall(fn, TypeId::kFloat64, std::move(args), location);
  }
  if (fn == "sign") {
    if (args.size() != 1 || !arg_is(0, is_numeric)) return mismatch("sign(number)");
    const TypeId type = IsNullLiteral(*args[0]) ? TypeId::kInt64 : args[0]->type;
    STEDI_RETURN_NOT_OK(coerce_all(type, 0));
    return MakeCall(fn, type, std::move(args), location);
  }
  if (fn == "greatest" || fn == "least") {
    if (args.empty()) return mismatch(fn + "(value, ...)");
    std::optional<TypeId> found;
    auto common = CommonTypeOf(args, 0, &found);
    if (!common.ok()) {
      return Status::Invalid("cannot apply " + fn + " to " + signature().substr(fn.size()) + ": " +
                             common.status().message() + At(location, sql));
    }
    if (*common == TypeId::kBoolean) return mismatch(fn + "(value, ...) of an orderable type");
    STEDI_RETURN_NOT_OK(coerce_all(*common, 0));
    return MakeCall(fn, *common, std::move(args), location);
  }
  if (fn == "date_add" || fn == "date_diff") {
    auto is_temporal = [](TypeId t) { return IsTemporal(t); };
    auto is_int = [](TypeId t) { return IsInteger(t); };
    const bool add = fn == "date_add";
    if (args.size() != 3 || !arg_is(0, is_string) || !arg_is(1, add ? is_int : is_temporal) ||
        !arg_is(2, is_temporal)) {
      return mismatch(add ? "date_add(string, bigint, timestamp)"
                          : "date_diff(string, timestamp, timestamp)");
    }
    const BoundExpr& unit = *args[0];
    if (unit.kind != BoundExpr::Kind::kConstant || unit.constant.is_null()) {
      return Status::Invalid(fn + " needs a constant unit" + At(location, sql));
    }
    const std::string u = Lower(std::get<std::string>(unit.constant.value));
    static constexpr std::string_view kUnits[] = {"millisecond", "second", "minute",  "hour", "day",
                                                  "week",        "month",  "quarter", "year"};
    if (std::find(std::begin(kUnits), std::end(kUnits), u) == std::end(kUnits)) {
      return Status::Invalid(fn + " unit '" + u + "' is not one of " +
                             "millisecond, second, minute, hour, day, week, month, quarter, year" +
                             At(location, sql));
    }
    args[0] = BoundExpr::Constant(ScalarValue{TypeId::kString, u});
    if (add) {
      STEDI_ASSIGN_OR_RETURN(args[1], Coerce(std::move(args[1]), TypeId::kInt64, sql));
      const TypeId type = IsNullLiteral(*args[2]) ? TypeId::kTimestamp : args[2]->type;
      STEDI_ASSIGN_OR_RETURN(args[2], Coerce(std::move(args[2]), type, sql));
      return MakeCall(fn, type, std::move(args), location);
    }
    STEDI_RETURN_NOT_OK(coerce_all(TypeId::kTimestamp, 1));
    return MakeCall(fn, TypeId::kInt64, std::move(args), location);
  }
  if (fn == "current_date") {
    if (!args.empty()) return mismatch("current_date()");
    auto today =
        BoundExpr::Constant(ScalarValue{TypeId::kDate, FloorDiv(NowMicros(), kMicrosPerDay)});
    today->location = location;
    return today;
  }
  if (fn == "current_timestamp" || fn == "now") {
    if (!args.empty()) return mismatch("current_timestamp()");
    // The instant is taken once, when the query is bound, so every row and batch agree.
    std::vector<BoundExprPtr> instant;
    instant.push_back(BoundExpr::Constant(ScalarValue{TypeId::kTimestamp, NowMicros()}));
    return MakeCall("current_timestamp", TypeId::kTimestamp, std::move(instant), location);
  }
  return Status::Invalid("unknown function " + std::string(name) + At(location, sql));
}

Result<BoundExprPtr> BindCast(BoundExprPtr expr, TypeId type, int location, std::string_view sql) {
  if (IsNullLiteral(*expr) && expr->kind == BoundExpr::Kind::kConstant) {
    auto e = BoundExpr::Constant(ScalarValue::Null(type));
    e->location = expr->location;
    return e;
  }
  if (expr->type == type) return expr;
  if (!CastAllowed(expr->type, type)) {
    return Status::Invalid("cannot cast " + std::string(TypeName(expr->type)) + " to " +
                           std::string(TypeName(type)) + At(location, sql));
  }
  const bool constant = expr->kind == BoundExpr::Kind::kConstant;
  auto e = std::make_unique<BoundExpr>();
  e->kind = BoundExpr::Kind::kCast;
  e->type = type;
  e->location = location;
  e->args.push_back(std::move(expr));
  if (!constant) return e;
  // Casting a literal happens once here, so a malformed one is reported with its position.
  auto folded = EvaluateConstant(*e);
  if (!folded.ok()) {
    std::string message = folded.status().message();
    const size_t cut = message.find(" at offset");
    if (cut != std::string::npos) message.resize(cut);
    return Status::Invalid(message + At(location, sql));
  }
  auto c = BoundExpr::Constant(folded.MoveValue());
  c->location = location;
  return c;
}

Result<TypeId> TypeFromSqlName(std::string_view name, int location, std::string_view sql) {
  std::string n = Lower(name);
  const size_t paren = n.find('(');
  if (paren != std::string::npos) n.resize(paren);
  while (!n.empty() && n.back() == ' ') n.pop_back();
  if (n == "int" || n == "integer" || n == "smallint" || n == "tinyint" || n == "int4") {
    return TypeId::kInt32;
  }
  if (n == "bigint" || n == "int8") return TypeId::kInt64;
  if (n == "double" || n == "real" || n == "float" || n == "decimal" || n == "numeric" ||
      n == "double precision" || n == "float8") {
    return TypeId::kFloat64;
  }
  if (n == "varchar" || n == "string" || n == "text" || n == "char") return TypeId::kString;
  if (n == "boolean" || n == "bool") return TypeId::kBoolean;
  if (n == "date") return TypeId::kDate;
  if (n == "timestamp") return TypeId::kTimestamp;
  if (n == "varbinary") return TypeId::kBinary;
  return Status::Invalid("unknown type " + std::string(name) + At(location, sql));
}

Result<TypeId> CommonType(TypeId a, TypeId b) {
  if (a == b) return a;
  if (IsNumeric(a) && IsNumeric(b)) {
    if (a == TypeId::kFloat64 || b == TypeId::kFloat64) return TypeId::kFloat64;
    return TypeId::kInt64;
  }
  if (IsTemporal(a) && IsTemporal(b)) return TypeId::kTimestamp;
  return Status::Invalid("no common type for " + std::string(TypeName(a)) + " and " +
                         std::string(TypeName(b)));
}

Result<TypeId> AggregateResultType(std::string_view name, TypeId arg_type) {
  const std::string fn = Lower(name);
  if (fn == "count_star" || fn == "count") return TypeId::kInt64;
  if (fn == "sum") {
    if (IsInteger(arg_type)) return TypeId::kInt64;
    if (arg_type == TypeId::kFloat64) return TypeId::kFloat64;
  } else if (fn == "avg") {
    if (IsNumeric(arg_type)) return TypeId::kFloat64;
  } else if (fn == "min" || fn == "max") {
    return arg_type;
  } else {
    return Status::Invalid("unknown aggregate function " + std::string(name));
  }
  return Status::Invalid("function " + fn + "(" + std::string(TypeName(arg_type)) +
                         ") does not exist; expected " + fn + "(number)");
}

}  // namespace stedi::sql
