#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "status/result.h"

namespace stedi::parquet {

/// Parquet physical types (parquet.thrift `Type`).
enum class PhysicalType : int32_t {
  kBoolean = 0,
  kInt32 = 1,
  kInt64 = 2,
  kInt96 = 3,
  kFloat = 4,
  kDouble = 5,
  kByteArray = 6,
  kFixedLenByteArray = 7,
};

/// Parquet value and level encodings (parquet.thrift `Encoding`).
enum class Encoding : int32_t {
  kPlain = 0,
  kPlainDictionary = 2,
  kRle = 3,
  kBitPacked = 4,
  kDeltaBinaryPacked = 5,
  kDeltaLengthByteArray = 6,
  kDeltaByteArray = 7,
  kRleDictionary = 8,
  kByteStreamSplit = 9,
};

/// Parquet compression codecs (parquet.thrift `CompressionCodec`).
enum class Codec : int32_t {
  kUncompressed = 0,
  kSnappy = 1,
  kGzip = 2,
  kLzo = 3,
  kBrotli = 4,
  kLz4 = 5,
  kZstd = 6,
  kLz4Raw = 7,
};

enum class PageType : int32_t {
  kDataPage = 0,
  kIndexPage = 1,
  kDictionaryPage = 2,
  kDataPageV2 = 3
};

enum class Repetition : int32_t { kRequired = 0, kOptional = 1, kRepeated = 2 };

/// The subset of parquet.thrift `ConvertedType` values we write or interpret.
namespace converted {
inline constexpr int32_t kUtf8 = 0;
inline constexpr int32_t kEnum = 4;
inline constexpr int32_t kDecimal = 5;
inline constexpr int32_t kDate = 6;
inline constexpr int32_t kTimestampMillis = 9;
inline constexpr int32_t kTimestampMicros = 10;
inline constexpr int32_t kUint8 = 11;
inline constexpr int32_t kUint16 = 12;
inline constexpr int32_t kUint32 = 13;
inline constexpr int32_t kUint64 = 14;
inline constexpr int32_t kInt8 = 15;
inline constexpr int32_t kInt16 = 16;
inline constexpr int32_t kInt32 = 17;
inline constexpr int32_t kInt64 = 18;
inline constexpr int32_t kJson = 19;
}  // namespace converted

enum class TimeUnit { kMillis, kMicros, kNanos };

/// The parts of the `LogicalType` union we understand; kOther stands for any other member.
struct LogicalType {
  enum class Kind { kNone, kString, kDate, kTimestamp, kInteger, kEnum, kJson, kDecimal, kOther };
  Kind kind = Kind::kNone;
  bool adjusted_to_utc = true;        ///< kTimestamp
  TimeUnit unit = TimeUnit::kMicros;  ///< kTimestamp
  int8_t bit_width = 0;               ///< kInteger
  bool is_signed = true;              ///< kInteger
};

struct SchemaElement {
  std::optional<PhysicalType> type;
  int32_t type_length = 0;
  std::optional<Repetition> repetition;
  std::string name;
  int32_t num_children = 0;
  std::optional<int32_t> converted_type;
  std::optional<int32_t> field_id;
  LogicalType logical_type;
};

/// Column statistics; min/max hold PLAIN-encoded values (raw bytes for byte arrays).
struct Statistics {
  std::optional<std::string> min_value, max_value;
  std::optional<int64_t> null_count;
  /// Deprecated min/max fields written by old writers (sort order may be wrong for strings).
  std::optional<std::string> legacy_min, legacy_max;
};

struct ColumnMetaData {
  PhysicalType type = PhysicalType::kInt32;
  std::vector<Encoding> encodings;
  std::vector<std::string> path_in_schema;
  Codec codec = Codec::kUncompressed;
  int64_t num_values = 0;
  int64_t total_uncompressed_size = 0;
  int64_t total_compressed_size = 0;
  int64_t data_page_offset = 0;
  std::optional<int64_t> dictionary_page_offset;
  std::optional<Statistics> statistics;
};

struct ColumnChunk {
  int64_t file_offset = 0;
  bool has_file_path = false;  ///< Chunks stored in other files are not supported.
  std::optional<ColumnMetaData> meta_data;
};

struct RowGroup {
  std::vector<ColumnChunk> columns;
  int64_t total_byte_size = 0;
  int64_t num_rows = 0;
  std::optional<int64_t> file_offset;
  std::optional<int64_t> total_compressed_size;
  std::optional<int16_t> ordinal;
};

struct FileMetaData {
  int32_t version = 1;
  std::vector<SchemaElement> schema;
  int64_t num_rows = 0;
  std::vector<RowGroup> row_groups;
  std::vector<std::pair<std::string, std::string>> key_value_metadata;
  std::optional<std::string> created_by;
  /// Number of TYPE_ORDER column orders to write (one per leaf column); 0 writes none.
  size_t type_defined_column_orders = 0;
};

struct DataPageHeader {
  int32_t num_values = 0;
  Encoding encoding = Encoding::kPlain;
  Encoding definition_level_encoding = Encoding::kRle;
  Encoding repetition_level_encoding = Encoding::kRle;
  std::optional<Statistics> statistics;
};

struct DictionaryPageHeader {
  int32_t num_values = 0;
  Encoding encoding = Encoding::kPlain;
};

struct DataPageHeaderV2 {
  int32_t num_values = 0;
  int32_t num_nulls = 0;
  int32_t num_rows = 0;
  Encoding encoding = Encoding::kPlain;
  int32_t definition_levels_byte_length = 0;
  int32_t repetition_levels_byte_length = 0;
  bool is_compressed = true;
};

struct PageHeader {
  PageType type = PageType::kDataPage;
  int32_t uncompressed_page_size = 0;
  int32_t compressed_page_size = 0;
  std::optional<DataPageHeader> data_page;
  std::optional<DictionaryPageHeader> dictionary_page;
  std::optional<DataPageHeaderV2> data_page_v2;
};

/// Returns the Thrift compact serialization of METADATA (the Parquet footer body).
std::string SerializeFileMetaData(const FileMetaData& metadata);
/// Parses a footer body; CONTEXT and BASE_OFFSET label Corruption messages.
Result<FileMetaData> ParseFileMetaData(std::string_view bytes, const std::string& context,
                                       uint64_t base_offset);

/// Returns the Thrift compact serialization of HEADER.
std::string SerializePageHeader(const PageHeader& header);
/// Parses a page header at the start of BYTES; sets *HEADER_SIZE to its length in bytes.
Result<PageHeader> ParsePageHeader(std::string_view bytes, const std::string& context,
                                   uint64_t base_offset, size_t* header_size);

}  // namespace stedi::parquet
