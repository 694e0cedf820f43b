#pragma once

#include <memory>
#include <optional>
#include <vector>

#include "sql/execution/operator.h"
#include "sql/expression/bound_expression.h"

namespace stedi::sql {

struct SortKey {
  BoundExprPtr expr;  // over the child's columns
  bool descending = false;
  bool nulls_first = false;  // Athena's default is NULLS LAST for ASC and DESC
};

/// ORDER BY: a stable sort of the child's rows by KEYS (output = the child's schema). With
/// LIMIT, keeps only the first LIMIT rows while sorting (top-N). Past the memory limit it sorts
/// runs, spills them to temp_dir and merges.
OperatorPtr MakeSort(OperatorPtr child, std::vector<SortKey> keys, std::optional<size_t> limit,
                     const ExecutionContext* context);

/// Compares row A of columns X with row B of columns Y under KEYS' directions (the key columns
/// already evaluated); <0, 0, >0. Shared by sort, window and merge.
int CompareKeyRows(const std::vector<const Column*>& x, size_t a,
                   const std::vector<const Column*>& y, size_t b, const std::vector<SortKey>& keys);

}  // namespace stedi::sql
