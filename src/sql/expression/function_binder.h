#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "sql/expression/bound_expression.h"
#include "status/result.h"

namespace stedi::sql {

/// Types a call of NAME (canonical or SQL name, case-insensitive: "||" is "concat", "ceiling"
/// is "ceil", "substring" is "substr", "char_length" is "length") on ARGS: checks arity and
/// argument types, inserts implicit casts (int → bigint → double for arithmetic and comparison;
/// a string constant compared with a timestamp/date becomes one; untyped NULL takes the other
/// side's type) and returns the kCall with its result type. Errors (Invalid) name the function,
/// the argument types and "at line L, column C" computed from LOCATION within SQL.
///
/// Result types: comparisons, logic, is_null, like, in → boolean; + - * % on integers → bigint
/// (int when both int), on doubles → double; "/" on integers → integer division (Athena);
/// concat, lower, upper, trim, substr, date_format → string; length → bigint;
/// round/abs keep the numeric type (round(x, d) → double); floor/ceil of double → double;
/// sqrt → double; from_unixtime(bigint|double seconds) → timestamp; to_unixtime(timestamp) →
/// double; date_trunc(unit string constant, timestamp) → timestamp; current_timestamp → timestamp;
/// coalesce/nullif → the common type of the arguments.
Result<BoundExprPtr> BindCall(std::string_view name, std::vector<BoundExprPtr> args, int location,
                              std::string_view sql);

/// Returns a cast of EXPR to TYPE (EXPR itself when already TYPE). Casts allowed: between all
/// numeric types, numeric/boolean/date/timestamp ↔ string, date ↔ timestamp, bigint ↔
/// timestamp is NOT allowed (use from_unixtime). Invalid names both types and the position.
Result<BoundExprPtr> BindCast(BoundExprPtr expr, TypeId type, int location, std::string_view sql);

/// Maps a SQL type name ("int", "integer", "bigint", "double", "real", "float", "varchar",
/// "string", "text", "char", "boolean", "bool", "date", "timestamp", "varbinary", "decimal"
/// (as double)) to a TypeId; Invalid names it otherwise.
Result<TypeId> TypeFromSqlName(std::string_view name, int location, std::string_view sql);

/// Returns the type both A and B convert to for comparison, CASE, COALESCE and UNION, or
/// Invalid when there is none (e.g. boolean vs double).
Result<TypeId> CommonType(TypeId a, TypeId b);

/// Aggregates: "count_star", "count", "sum", "avg", "min", "max". Returns the result type for
/// ARG_TYPE (ignored for count_star): count → bigint; sum of integers → bigint, of double →
/// double; avg → double; min/max → ARG_TYPE. Invalid for sum/avg of non-numeric types.
Result<TypeId> AggregateResultType(std::string_view name, TypeId arg_type);

}  // namespace stedi::sql
