#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "columnar/batch.h"
#include "columnar/schema.h"
#include "formats/parquet/column_chunk_writer.h"
#include "formats/parquet/compression.h"
#include "formats/parquet/metadata.h"
#include "status/result.h"
#include "storage/file_system.h"

namespace stedi::parquet {

struct WriterOptions {
  Compression compression = Compression::kZstd;
  int zstd_level = 1;
  int64_t row_group_rows = 1 << 20;  ///< Rows per row group (the last one may hold fewer).
  size_t page_bytes = 1 << 20;       ///< Target uncompressed size of a data page.
  /// Largest dictionary (PLAIN size of its entries) a string or binary column chunk keeps; past
  /// it the chunk goes on in PLAIN (other types: page_bytes). Above the page size on purpose: a
  /// million-row chunk of device ids needs ~1.4 MB, and a chunk that falls back costs a rewrite
  /// here and inline strings for every reader.
  size_t dictionary_bytes = 4 << 20;
  bool dictionary = true;  ///< Dictionary-encode non-boolean columns when it pays.
  /// Pages of 32- and 64-bit integers (dates, timestamps) that are not dictionary-encoded use
  /// DELTA_BINARY_PACKED rather than PLAIN. Off by default: on the generated readings, zstd
  /// shrinks PLAIN timestamps to half the size of their zstd-compressed deltas, and neither
  /// ingest nor run got faster (docs/parquet.md).
  bool delta_integers = false;
  /// Threads that encode and compress columns side by side (1: the caller's thread only). For
  /// writers that are not already one of many running in parallel.
  size_t threads = 1;
  std::vector<std::pair<std::string, std::string>> key_value_metadata;
};

/// Per-column facts of a written file, in the shape Iceberg manifests want.
struct ColumnSummary {
  int field_id = 0;
  int64_t value_count = 0;  ///< Rows, nulls included.
  int64_t null_count = 0;
  /// Iceberg single-value serialization: little-endian int32/int64/double, UTF-8 bytes for
  /// strings, raw bytes for binaries, one byte for booleans. Absent when every value is null.
  std::optional<std::string> min, max;
  int64_t compressed_bytes = 0;  ///< Compressed size of the column's chunks, headers included.
};

struct FileSummary {
  int64_t num_rows = 0;
  uint64_t file_bytes = 0;
  std::vector<ColumnSummary> columns;
};

/// Writes one Parquet file from batches of a flat schema: data page v1, RLE definition levels,
/// dictionary or PLAIN values, statistics, and the chosen compression. Buffers at most one row
/// group's encoded pages.
class FileWriter {
 public:
  /// Starts a file on OUT for SCHEMA (flat; every TypeId supported). Fails with Invalid on bad
  /// options or an empty schema.
  static Result<std::unique_ptr<FileWriter>> Open(std::unique_ptr<WritableFile> out,
                                                  std::shared_ptr<const Schema> schema,
                                                  WriterOptions options);

  /// Encodes BATCH (whose columns must match the schema's types); writes a row group each time
  /// row_group_rows rows have accumulated.
  Status Write(const Batch& batch);
  /// Writes the last row group and the footer, then closes (publishes) the file.
  Result<FileSummary> Close();

 private:
  FileWriter(std::unique_ptr<WritableFile> out, std::shared_ptr<const Schema> schema,
             WriterOptions options);
  Status FlushRowGroup();

  std::unique_ptr<WritableFile> out_;
  std::shared_ptr<const Schema> schema_;
  WriterOptions options_;
  std::vector<ColumnChunkWriter> chunks_;
  std::vector<ColumnStatistics> file_stats_;
  std::vector<int64_t> compressed_bytes_;
  FileMetaData metadata_;
  int64_t rows_in_group_ = 0;
  Status failed_;
  bool closed_ = false;
};

}  // namespace stedi::parquet
