#pragma once

#include <memory>
#include <vector>

#include "sql/execution/operator.h"
#include "sql/expression/bound_expression.h"

namespace stedi::sql {

/// kSemi/kAnti keep the left row when a right row matches / none does (IN, EXISTS, NOT EXISTS);
/// their output is the left columns only. kAntiNullAware is NOT IN: a left row whose key is
/// NULL, or any right row whose key is NULL, means no output row for the unmatched left rows
/// (SQL's three-valued NOT IN). kRightSemi/kRightAnti are semi and anti joins with the roles
/// turned: they keep the right (build) rows that some left row matches / none does, and output
/// the right columns only; the planner uses them to build on a small outer query when the
/// subquery is big.
enum class PhysicalJoinType {
  kInner,
  kLeft,
  kRight,
  kFull,
  kSemi,
  kAnti,
  kAntiNullAware,
  kRightSemi,
  kRightAnti
};

/// The name EXPLAIN and messages give TYPE ("inner", "right-semi", ...).
const char* JoinTypeName(PhysicalJoinType type);

/// True when a join of TYPE gives no row at all if its build (right) side is empty.
inline bool NeedsBuildRows(PhysicalJoinType type) {
  return type == PhysicalJoinType::kInner || type == PhysicalJoinType::kSemi ||
         type == PhysicalJoinType::kRight || type == PhysicalJoinType::kRightSemi ||
         type == PhysicalJoinType::kRightAnti;
}

/// True when a join of TYPE marks which build rows matched (and emits rows from that at the
/// end), so one probe lane must see every left row.
inline bool TracksBuildRows(PhysicalJoinType type) {
  return type == PhysicalJoinType::kRight || type == PhysicalJoinType::kFull ||
         type == PhysicalJoinType::kRightSemi || type == PhysicalJoinType::kRightAnti;
}

struct HashJoinSpec {
  PhysicalJoinType type = PhysicalJoinType::kInner;
  /// Equality keys: LEFT_KEYS[i] (over the left child's columns) = RIGHT_KEYS[i] (over the right
  /// child's), pairwise of equal type. NULL keys never match.
  std::vector<BoundExprPtr> left_keys;
  std::vector<BoundExprPtr> right_keys;
  /// Extra condition over the concatenated row (left columns, then right columns); null: none.
  /// For outer joins a pair that fails it does not match (the row is then null-extended).
  BoundExprPtr residual;
  /// Left columns then right columns for inner/outer (right side nullable for left/full, left
  /// side for right/full); left columns only for semi/anti.
  std::shared_ptr<const Schema> output_schema;
};

/// Hash join: builds a hash table on the RIGHT child, streams the LEFT child through it. When
/// the build side grows past the context's memory limit, both sides are partitioned by key hash
/// into spill files under temp_dir and joined partition by partition.
OperatorPtr MakeHashJoin(OperatorPtr left, OperatorPtr right, HashJoinSpec spec,
                         const ExecutionContext* context);

/// Nested-loop join for joins without equality keys: CROSS JOIN (CONDITION null) or any
/// condition over the concatenated row; same types and output as the hash join. The right side
/// is held in memory.
OperatorPtr MakeNestedLoopJoin(OperatorPtr left, OperatorPtr right, PhysicalJoinType type,
                               BoundExprPtr condition, std::shared_ptr<const Schema> output_schema,
                               const ExecutionContext* context);

}  // namespace stedi::sql
