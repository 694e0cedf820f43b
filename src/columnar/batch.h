#pragma once

#include <memory>
#include <string>
#include <vector>

#include "columnar/column.h"
#include "columnar/schema.h"
#include "status/status.h"

namespace stedi {

/// A horizontal slice of a table: one Column per schema field, all of num_rows() rows.
/// Batches are the unit that flows between readers, operators and writers, so memory stays
/// bounded by the batch size rather than the table size.
class Batch {
 public:
  Batch() = default;
  Batch(std::shared_ptr<const Schema> schema, std::vector<Column> columns);
  /// For batches that may have no columns (e.g. `SELECT 1` reads one row of nothing).
  Batch(std::shared_ptr<const Schema> schema, std::vector<Column> columns, size_t num_rows);

  const std::shared_ptr<const Schema>& schema() const { return schema_; }
  const std::vector<Column>& columns() const { return columns_; }
  const Column& column(size_t i) const { return columns_[i]; }
  size_t num_columns() const { return columns_.size(); }
  size_t num_rows() const { return num_rows_; }

  /// Moves column I out (leaving it empty): for operators that own the batch and pass columns on
  /// without copying them.
  Column ReleaseColumn(size_t i) { return std::move(columns_[i]); }

  /// Checks that column count, types and lengths agree with the schema.
  Status Validate() const;

 private:
  std::shared_ptr<const Schema> schema_;
  std::vector<Column> columns_;
  size_t num_rows_ = 0;
};

/// Builds batches row by row: one ColumnBuilder per field.
class BatchBuilder {
 public:
  explicit BatchBuilder(std::shared_ptr<const Schema> schema);

  const std::shared_ptr<const Schema>& schema() const { return schema_; }
  ColumnBuilder& column(size_t i) { return builders_[i]; }
  size_t num_rows() const { return builders_.empty() ? 0 : builders_[0].size(); }

  /// Adds FIELD as the last column; the rows appended so far hold null there.
  void AddColumn(const Field& field);

  /// Returns the rows appended so far as a Batch and starts a new one.
  Batch Finish();

 private:
  std::shared_ptr<const Schema> schema_;
  std::vector<ColumnBuilder> builders_;
};

}  // namespace stedi
