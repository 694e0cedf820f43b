#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "columnar/column.h"
#include "columnar/schema.h"
#include "formats/parquet/column_statistics.h"
#include "formats/parquet/metadata.h"
#include "status/result.h"

namespace stedi::parquet {

struct ChunkWriterOptions {
  Codec codec = Codec::kZstd;
  int zstd_level = 1;
  size_t page_bytes = 1 << 20;  ///< Target uncompressed size of a data page.
  bool dictionary = true;       ///< Try dictionary encoding (never for booleans).
};

/// One column chunk, encoded and ready to be appended to the file; offsets are relative to the
/// start of BYTES.
struct EncodedChunk {
  std::string bytes;  ///< Dictionary page (if any), then the data pages, headers included.
  std::optional<int64_t> dictionary_page_offset;
  int64_t data_page_offset = 0;
  int64_t num_values = 0;
  int64_t uncompressed_size = 0;
  std::vector<Encoding> encodings;
  ColumnStatistics statistics{TypeId::kInt32};
};

/// Returns the Parquet physical type that stores TYPE.
PhysicalType PhysicalTypeFor(TypeId type);

/// Encodes the values of one column for one row group into pages, independently of every other
/// column (so columns can be encoded on separate threads). Holds the row group's encoded pages
/// plus the page being filled. Dictionary encoding is used while it is smaller than PLAIN and
/// the dictionary stays under the page size; after that the chunk continues in PLAIN.
class ColumnChunkWriter {
 public:
  ColumnChunkWriter(Field field, ChunkWriterOptions options);

  /// Encodes rows [OFFSET, OFFSET + LENGTH) of COLUMN, whose type must be the field's.
  Status Append(const Column& column, size_t offset, size_t length);
  /// Flushes the last page, returns the chunk and resets the writer for the next row group.
  Result<EncodedChunk> Finish();

 private:
  struct Hash {
    using is_transparent = void;
    size_t operator()(std::string_view s) const { return std::hash<std::string_view>{}(s); }
  };

  void AppendPlain(std::string_view value);
  size_t EstimatedPageBytes() const;
  void FallBackToPlain();
  Status FlushPage();
  Status AppendPage(PageHeader header, const std::string& body, std::string* out);
  void ResetChunk();

  Field field_;
  ChunkWriterOptions options_;
  bool use_dictionary_ = false;

  // Dictionary of the current chunk: value bytes (PLAIN for fixed width) -> index.
  std::unordered_map<std::string, uint32_t, Hash, std::equal_to<>> dict_index_;
  std::vector<const std::string*> dict_entries_;
  size_t dict_plain_bytes_ = 0;
  bool dict_pages_written_ = false;
  bool plain_pages_written_ = false;

  // The page being filled.
  std::vector<uint32_t> levels_;
  std::vector<uint32_t> indices_;
  std::vector<uint8_t> bools_;
  std::string plain_;
  size_t page_values_ = 0;
  size_t page_plain_bytes_ = 0;
  ColumnStatistics page_stats_;

  // The chunk so far.
  std::string data_pages_;
  int64_t num_values_ = 0;
  int64_t uncompressed_size_ = 0;
  ColumnStatistics chunk_stats_;
};

}  // namespace stedi::parquet
