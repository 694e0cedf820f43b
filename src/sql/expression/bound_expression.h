#pragma once

#include <memory>
#include <string>
#include <vector>

#include "columnar/data_type.h"
#include "sql/expression/scalar_value.h"

namespace stedi::sql {

/// A typed expression over the columns of one input batch: what the binder makes of a
/// ParsedExpr once names are resolved. Evaluated a whole batch at a time (evaluator.h).
///
/// kCall covers every operator and scalar function by canonical name (see function_binder.h):
/// arithmetic "+", "-", "*", "/", "%", "negate"; comparison "=", "<>", "<", "<=", ">", ">=";
/// logic "and", "or", "not"; "is_null", "is_not_null", "like" (args: value, pattern),
/// "in" (args: value, item...), "concat" (also `||`), "lower", "upper", "length", "substr",
/// "trim", "coalesce", "nullif", "round", "abs", "floor", "ceil", "sqrt", "from_unixtime",
/// "to_unixtime", "date_trunc", "date_format", "current_timestamp".
/// kCase: args = {when1, then1, when2, then2, ...} plus a final else when has_else.
/// kCast: args = {child}, to `type`.
struct BoundExpr {
  enum class Kind { kColumn, kConstant, kCall, kCase, kCast };
  Kind kind = Kind::kConstant;
  TypeId type = TypeId::kString;
  int location = -1;          // byte offset in the SQL text, for errors
  size_t column_index = 0;    // kColumn: position in the input batch
  std::string column_name;    // kColumn: for messages and EXPLAIN
  ScalarValue constant;       // kConstant
  bool null_literal = false;  // kConstant written as NULL: its type yields to context
  std::string function;       // kCall
  std::vector<std::unique_ptr<BoundExpr>> args;
  bool has_else = false;  // kCase

  static std::unique_ptr<BoundExpr> Column(size_t index, TypeId type, std::string name);
  static std::unique_ptr<BoundExpr> Constant(ScalarValue value);
  std::unique_ptr<BoundExpr> Clone() const;
  /// Returns SQL-like text for EXPLAIN and messages.
  std::string ToString() const;
};

using BoundExprPtr = std::unique_ptr<BoundExpr>;

}  // namespace stedi::sql
