#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "columnar/column.h"
#include "columnar/schema.h"
#include "formats/parquet/column_statistics.h"
#include "formats/parquet/metadata.h"
#include "formats/parquet/value_dictionary.h"
#include "status/result.h"

namespace stedi::parquet {

struct ChunkWriterOptions {
  Codec codec = Codec::kZstd;
  int zstd_level = 1;
  size_t page_bytes = 1 << 20;        ///< Target uncompressed size of a data page.
  bool dictionary = true;             ///< Try dictionary encoding (never for booleans).
  size_t dictionary_bytes = 4 << 20;  ///< As WriterOptions::dictionary_bytes.
  bool delta_integers = false;        ///< As WriterOptions::delta_integers.
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
/// the dictionary stays under dictionary_bytes; after that the chunk continues in PLAIN. A chunk
/// whose dictionary (entries plus bit-packed indices) is not smaller than PLAIN after its first
/// kEarlyCheckValues values switches to PLAIN right there.
class ColumnChunkWriter {
 public:
  /// Number of dictionary-encoded values after which a chunk decides whether the dictionary pays.
  static constexpr size_t kEarlyCheckValues = 16 * 1024;

  ColumnChunkWriter(Field field, ChunkWriterOptions options);

  /// Encodes rows [OFFSET, OFFSET + LENGTH) of COLUMN, whose type must be the field's.
  Status Append(const Column& column, size_t offset, size_t length);
  /// Flushes the last page, returns the chunk and resets the writer for the next row group.
  Result<EncodedChunk> Finish();

 private:
  // One instantiation per value representation (bool, int32_t, int64_t, double,
  // std::string_view), so the inner loop has no per-value branch on the column type.
  template <typename T>
  Status AppendValues(const Column& column, size_t offset, size_t length);
  template <typename T>
  uint32_t DictionaryIndex(T value);
  uint32_t SourceCodeIndex(const Column& column, size_t row, std::string_view value);
  void AppendPlain(std::string_view value);
  size_t DictionarySize() const;
  size_t DictionaryPlainBytes() const;
  size_t DictionaryLimit() const;
  void ClearDictionary();
  bool DictionaryPaysSoFar() const;
  size_t EstimatedPageBytes() const;
  void FallBackToPlain();
  Status FlushPage();
  Status AppendPage(PageHeader header, const std::string& body, std::string* out);
  void ResetChunk();

  Field field_;
  ChunkWriterOptions options_;
  bool use_dictionary_ = false;

  // Dictionary of the current chunk; only the one matching the physical type is used.
  FixedWidthDictionary<uint32_t> dict32_;
  FixedWidthDictionary<uint64_t> dict64_;
  ByteArrayDictionary<> dict_bytes_;
  size_t chunk_dictionary_values_ = 0;  // values dictionary-encoded in this chunk
  // For input columns that are dictionary-encoded: our index of each of their codes.
  static constexpr uint32_t kUnmappedCode = UINT32_MAX;
  std::shared_ptr<const Column> source_dictionary_;
  std::vector<uint32_t> source_codes_;
  bool dict_pages_written_ = false;
  bool plain_pages_written_ = false;
  bool delta_pages_written_ = false;

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
