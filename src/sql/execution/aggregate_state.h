#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "columnar/column.h"
#include "sql/execution/group_hash_table.h"
#include "status/result.h"

namespace stedi::sql {

/// The aggregate functions a hash aggregation computes.
enum class AggregateKind { kCountStar, kCount, kSum, kAvg, kMin, kMax };

/// Maps an aggregate's name ("count_star", "count", "sum", "avg", "min", "max") to its kind.
Result<AggregateKind> ParseAggregateKind(const std::string& name);

/// The states of one aggregate for every group of a hash aggregation, one array per field so
/// that updates are tight loops over a batch. DISTINCT aggregates keep a set of (group, value)
/// pairs and fold only a value's first occurrence in its group.
class AggregateState {
 public:
  AggregateState(AggregateKind kind, TypeId arg_type, TypeId result_type, bool distinct);
  /// Makes room for GROUPS groups (new ones start empty).
  void Resize(size_t groups);
  /// Folds rows of ARG (null for count_star) into the groups GIDS (indexed by row).
  Status Update(const Column* arg, const uint32_t* gids, size_t rows);
  /// Returns the results of groups [BEGIN, END) as a column of the result type.
  Column Finish(size_t begin, size_t end) const;
  /// Returns the bytes held, for the spill decision.
  size_t MemoryBytes() const;

 private:
  void AppendExtreme(ColumnBuilder* out, size_t g) const;
  Status UpdateRows(const Column& arg, const uint32_t* gids, const uint32_t* sel, size_t n);
  // WANT is the sign a new value's comparison with the current one must have to replace it.
  void UpdateExtremes(const Column& arg, const uint32_t* gids, const uint32_t* sel, size_t n,
                      int want);

  AggregateKind kind_;
  TypeId arg_type_;
  TypeId result_type_;
  std::vector<int64_t> counts_;  // values seen (count, or "has a value" for the others)
  std::vector<int64_t> ints_;
  std::vector<double> doubles_;
  std::vector<std::string> strings_;
  size_t string_bytes_ = 0;
  std::unique_ptr<GroupHashTable> distinct_set_;
  std::vector<uint32_t> distinct_ids_;
  std::vector<uint32_t> selection_;
};

}  // namespace stedi::sql
