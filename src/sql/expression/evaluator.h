#pragma once

#include "columnar/batch.h"
#include "columnar/column.h"
#include "sql/expression/bound_expression.h"
#include "status/result.h"

namespace stedi::sql {

/// Evaluates EXPR over every row of INPUT and returns a column of EXPR.type with
/// INPUT.num_rows() rows. SQL semantics: NULL in → NULL out for scalar functions and
/// arithmetic; AND/OR are three-valued; integer division or modulo by zero is Invalid
/// "division by zero" (as Athena); errors name the function and its location.
Result<Column> Evaluate(const BoundExpr& expr, const Batch& input);

/// Evaluates an expression that reads no column (constant folding, LIMIT values).
Result<ScalarValue> EvaluateConstant(const BoundExpr& expr);

/// Returns the positions of INPUT's rows where PREDICATE (boolean) is true (not NULL, not false).
Result<std::vector<uint32_t>> EvaluateFilter(const BoundExpr& predicate, const Batch& input);

}  // namespace stedi::sql
