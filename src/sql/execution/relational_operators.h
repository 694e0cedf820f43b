#pragma once

#include <memory>
#include <optional>
#include <vector>

#include "sql/execution/operator.h"
#include "sql/expression/bound_expression.h"

namespace stedi::sql {

// Factories for the streaming operators. Each returns an Operator whose batches follow
// OUTPUT_SCHEMA (names chosen by the planner, types matching the expressions).

/// Keeps the rows where PREDICATE is true.
OperatorPtr MakeFilter(OperatorPtr child, BoundExprPtr predicate);
/// Computes EXPRESSIONS (over the child's columns) into OUTPUT_SCHEMA's columns.
OperatorPtr MakeProjection(OperatorPtr child, std::vector<BoundExprPtr> expressions,
                           std::shared_ptr<const Schema> output_schema);
/// Skips OFFSET rows then passes at most LIMIT rows (nullopt: all), and stops pulling its child
/// once done.
OperatorPtr MakeLimit(OperatorPtr child, std::optional<size_t> limit, size_t offset);
/// Concatenates CHILDREN's streams (UNION ALL); all children already have OUTPUT_SCHEMA's types.
OperatorPtr MakeUnionAll(std::vector<OperatorPtr> children,
                         std::shared_ptr<const Schema> output_schema);
/// Emits one row with no columns (SELECT without FROM).
OperatorPtr MakeSingleRow();
/// Emits BATCHES as they are (materialised CTEs, tests).
OperatorPtr MakeBatchSource(std::shared_ptr<const Schema> schema, std::vector<Batch> batches);

}  // namespace stedi::sql
