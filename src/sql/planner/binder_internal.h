#pragma once

#include <string>
#include <vector>

#include "sql/execution/aggregate.h"
#include "sql/execution/window.h"
#include "sql/planner/binder.h"

namespace stedi::sql {

// Placeholders the expression binder leaves where an aggregate or window function was; the
// statement binder replaces them by references to the aggregate's or window's output column.
inline constexpr const char* kAggregatePlaceholder = "__aggregate";
inline constexpr const char* kWindowPlaceholder = "__window";

struct Binder::AggregateCollector {
  std::vector<AggregateSpec> specs;
  std::vector<std::string> keys;  // ExprKey of each spec, to share equal aggregates
};

struct Binder::WindowCollector {
  std::vector<WindowFunctionSpec> specs;
};

/// A structural key of an expression (columns by index), to match GROUP BY expressions.
std::string ExprKey(const BoundExpr& expr);
/// Appends the input column positions EXPR reads.
void CollectColumns(const BoundExpr& expr, std::vector<size_t>* out);
/// Subtracts SHIFT from every column position in EXPR.
void ShiftColumns(BoundExpr* expr, size_t shift);
/// Renumbers column references over (left columns, right columns) for the row (right columns,
/// left columns): what a join condition reads once the join swaps its inputs.
void SwapJoinSides(BoundExpr* expr, size_t left_count, size_t right_count);
/// Splits an AND tree into its conjuncts.
void SplitConjuncts(const ParsedExpr* expr, std::vector<const ParsedExpr*>* out);
bool IsAggregateName(std::string_view name);
bool ContainsPlaceholder(const BoundExpr& expr, std::string_view placeholder);

}  // namespace stedi::sql
