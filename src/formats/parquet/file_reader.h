#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "columnar/batch.h"
#include "columnar/schema.h"
#include "formats/parquet/column_chunk_reader.h"
#include "formats/parquet/metadata.h"
#include "status/result.h"
#include "storage/file_system.h"

namespace stedi::parquet {

/// Reads flat Parquet files written by us, pyarrow, DuckDB and other spec-following writers,
/// one row group at a time. Malformed files give Corruption (naming file and offset), features
/// outside our scope (nested columns, other encodings and codecs) give NotImplemented.
class FileReader {
 public:
  /// Reads and checks the footer of FILE and maps its schema onto STEDI types.
  static Result<std::unique_ptr<FileReader>> Open(std::shared_ptr<RandomAccessFile> file);

  /// Returns the file's schema; field ids come from the file (0 when absent).
  const std::shared_ptr<const Schema>& schema() const { return schema_; }
  int64_t num_rows() const { return metadata_.num_rows; }
  int num_row_groups() const { return static_cast<int>(metadata_.row_groups.size()); }
  /// Returns the rows of row group INDEX for the schema positions in COLUMNS (all when empty),
  /// in the order given; the batch's schema holds just those fields. Up to THREADS columns are
  /// decoded side by side (a reader with fewer row groups ahead than cores).
  Result<Batch> ReadRowGroup(int index, const std::vector<int>& columns, size_t threads = 1);
  const std::vector<std::pair<std::string, std::string>>& key_value_metadata() const {
    return metadata_.key_value_metadata;
  }
  /// Returns the parsed footer, for tests and tools.
  const FileMetaData& metadata() const { return metadata_; }

 private:
  FileReader() = default;

  std::shared_ptr<RandomAccessFile> file_;
  FileMetaData metadata_;
  std::shared_ptr<const Schema> schema_;
  std::vector<ColumnDescriptor> columns_;
  uint64_t data_end_ = 0;
};

}  // namespace stedi::parquet
