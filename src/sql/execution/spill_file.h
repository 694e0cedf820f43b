#pragma once

#include <cstddef>
#include <memory>
#include <optional>
#include <span>
#include <string>

#include "columnar/batch.h"
#include "sql/execution/operator.h"
#include "status/result.h"

namespace stedi::sql {

/// A temporary file of batches of one schema, under the context's temp_dir, written once and
/// then read back in order; the file is deleted when the SpillFile is destroyed. Used by hash
/// join, aggregation and sort to keep memory bounded.
class SpillFile {
 public:
  static Result<std::unique_ptr<SpillFile>> Create(const ExecutionContext* context,
                                                   std::shared_ptr<const Schema> schema);
  ~SpillFile();
  SpillFile(const SpillFile&) = delete;
  SpillFile& operator=(const SpillFile&) = delete;

  Status Append(const Batch& batch);
  /// Appends rows ROWS of BATCH, in that order (a gather straight into the file's buffer).
  Status AppendRows(const Batch& batch, std::span<const uint32_t> rows);
  /// Ends writing; afterwards ReadNext returns the appended rows in order.
  Status FinishWriting();
  /// Returns the next appended rows in one batch: at least MIN_ROWS of them (several appends
  /// glued together) unless the file ends first; nullopt at the end. With MIN_ROWS 0, one
  /// append's rows.
  Result<std::optional<Batch>> ReadNext(size_t min_rows = 0);
  size_t rows() const { return rows_; }
  const std::string& path() const { return path_; }

 private:
  SpillFile() = default;
  struct Impl;
  std::unique_ptr<Impl> impl_;
  std::string path_;
  size_t rows_ = 0;
};

}  // namespace stedi::sql
