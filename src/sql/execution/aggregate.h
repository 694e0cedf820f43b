#pragma once

#include <memory>
#include <string>
#include <vector>

#include "sql/execution/operator.h"
#include "sql/expression/bound_expression.h"

namespace stedi::sql {

/// One aggregate: FUNCTION is "count_star", "count", "sum", "avg", "min" or "max"; ARG is over
/// the child's columns (null for count_star); DISTINCT aggregates distinct non-null values.
/// RESULT_TYPE comes from AggregateResultType (function_binder.h). NULL inputs are ignored;
/// sum/avg/min/max of no value are NULL, count is 0.
struct AggregateSpec {
  std::string function;
  BoundExprPtr arg;
  bool distinct = false;
  TypeId result_type = TypeId::kInt64;
};

/// GROUP BY: one output row per distinct GROUPS value (NULLs group together), with the group
/// values then the aggregates, per OUTPUT_SCHEMA. With no GROUPS, exactly one row (even for
/// empty input). With no AGGREGATES it is DISTINCT. Spills partitions to temp_dir past the
/// memory limit.
OperatorPtr MakeHashAggregate(OperatorPtr child, std::vector<BoundExprPtr> groups,
                              std::vector<AggregateSpec> aggregates,
                              std::shared_ptr<const Schema> output_schema,
                              const ExecutionContext* context);

}  // namespace stedi::sql
