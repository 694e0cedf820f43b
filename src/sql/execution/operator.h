#pragma once

#include <cstddef>
#include <memory>
#include <optional>
#include <string>

#include "columnar/batch.h"
#include "columnar/schema.h"
#include "status/result.h"

namespace stedi {
class FileSystem;
}

namespace stedi::sql {

class MemoryBudget;

/// What every operator of one query shares: where to spill, how much memory it may hold, and
/// how many threads it may use.
struct ExecutionContext {
  FileSystem* fs = nullptr;
  /// Folder for spill files (LakeLayout's _tmp); operators create and delete their own
  /// uniquely named files below it.
  std::string temp_dir;
  /// Bytes one operator may keep in memory before it spills (roughly).
  size_t memory_limit_bytes = size_t{1} << 30;
  /// Shared by every operator of every query using this context (not owned; may be null): an
  /// operator also spills when the budget refuses its next reservation.
  MemoryBudget* memory_budget = nullptr;
  int threads = 1;
};

/// A physical operator: a pull-based stream of batches. Next() returns the next non-empty
/// batch, or nullopt once the stream is exhausted (and keeps returning nullopt). Operators
/// own their children. Batch sizes are about kBatchRows but may vary.
class Operator {
 public:
  static constexpr size_t kBatchRows = 16 * 1024;

  virtual ~Operator() = default;
  /// The schema of every batch Next() returns.
  virtual const std::shared_ptr<const Schema>& schema() const = 0;
  virtual Result<std::optional<Batch>> Next() = 0;
  /// One line for EXPLAIN, e.g. "HashJoin inner keys=[#0 = #2]".
  virtual std::string Describe() const = 0;
};

using OperatorPtr = std::unique_ptr<Operator>;

}  // namespace stedi::sql
