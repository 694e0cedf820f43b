#pragma once

#include <memory>
#include <string>
#include <vector>

#include "sql/execution/operator.h"
#include "sql/execution/sort.h"
#include "sql/expression/bound_expression.h"

namespace stedi::sql {

/// One window function: FUNCTION is "row_number", "rank", "dense_rank", "lag", "lead", "sum",
/// "count", "count_star", "avg", "min" or "max". ARGS over the child's columns: lag/lead take
/// {value[, offset constant[, default]]}; aggregates take {value} (none for count_star).
/// With ORDER_BY the aggregates are running (RANGE UNBOUNDED PRECEDING .. CURRENT ROW: peers with
/// equal keys share a value); without, they cover the whole partition.
struct WindowFunctionSpec {
  std::string function;
  std::vector<BoundExprPtr> args;
  std::vector<BoundExprPtr> partition_by;
  std::vector<SortKey> order_by;
  TypeId result_type = TypeId::kInt64;
};

/// Appends one column per function to the child's columns (OUTPUT_SCHEMA = child fields, then
/// the functions'). Row order of the output is by partition then order keys.
OperatorPtr MakeWindow(OperatorPtr child, std::vector<WindowFunctionSpec> functions,
                       std::shared_ptr<const Schema> output_schema,
                       const ExecutionContext* context);

}  // namespace stedi::sql
