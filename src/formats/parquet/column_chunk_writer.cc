#include "formats/parquet/column_chunk_writer.h"

#include <climits>
#include <cstring>

#include "formats/parquet/compression.h"
#include "formats/parquet/rle_hybrid.h"

namespace stedi::parquet {
namespace {

// Caps values per page so readers never face enormous level runs, whatever page_bytes says.
constexpr size_t kMaxPageValues = 1 << 20;

void AppendU32(uint32_t v, std::string* out) {
  char b[4];
  std::memcpy(b, &v, 4);  // little-endian host
  out->append(b, 4);
}

Statistics ToThrift(const ColumnStatistics& s) {
  Statistics t;
  t.null_count = s.null_count();
  t.min_value = s.EncodedMin();
  t.max_value = s.EncodedMax();
  return t;
}

}  // namespace

PhysicalType PhysicalTypeFor(TypeId type) {
  switch (type) {
    case TypeId::kBoolean:
      return PhysicalType::kBoolean;
    case TypeId::kInt32:
    case TypeId::kDate:
      return PhysicalType::kInt32;
    case TypeId::kInt64:
    case TypeId::kTimestamp:
      return PhysicalType::kInt64;
    case TypeId::kFloat64:
      return PhysicalType::kDouble;
    case TypeId::kString:
    case TypeId::kBinary:
      return PhysicalType::kByteArray;
  }
  return PhysicalType::kByteArray;
}

ColumnChunkWriter::ColumnChunkWriter(Field field, ChunkWriterOptions options)
    : field_(std::move(field)),
      options_(options),
      page_stats_(field_.type),
      chunk_stats_(field_.type) {
  if (options_.page_bytes == 0) options_.page_bytes = 1;
  ResetChunk();
}

void ColumnChunkWriter::ResetChunk() {
  use_dictionary_ = options_.dictionary && field_.type != TypeId::kBoolean;
  dict_index_.clear();
  dict_entries_.clear();
  dict_plain_bytes_ = 0;
  dict_pages_written_ = false;
  plain_pages_written_ = false;
  data_pages_.clear();
  num_values_ = 0;
  uncompressed_size_ = 0;
  chunk_stats_.Reset();
}

void ColumnChunkWriter::AppendPlain(std::string_view value) {
  if (IsVariableWidth(field_.type)) AppendU32(static_cast<uint32_t>(value.size()), &plain_);
  plain_.append(value);
}

size_t ColumnChunkWriter::EstimatedPageBytes() const {
  size_t bytes = levels_.size() / 8;
  if (use_dictionary_) {
    bytes += indices_.size() * static_cast<size_t>(BitWidth(dict_entries_.size())) / 8;
  } else {
    bytes += plain_.size() + bools_.size() / 8;
  }
  return bytes;
}

void ColumnChunkWriter::FallBackToPlain() {
  for (uint32_t index : indices_) AppendPlain(*dict_entries_[index]);
  indices_.clear();
  use_dictionary_ = false;
  if (!dict_pages_written_) {
    dict_index_.clear();
    dict_entries_.clear();
    dict_plain_bytes_ = 0;
  }
}

Status ColumnChunkWriter::Append(const Column& column, size_t offset, size_t length) {
  if (column.type() != field_.type) {
    return Status::Internal("column " + field_.name + " gets " +
                            std::string(TypeName(column.type())) + " values, expects " +
                            std::string(TypeName(field_.type)));
  }
  const int width = FixedWidth(field_.type);
  for (size_t row = offset; row < offset + length; ++row) {
    const bool is_null = column.IsNull(row);
    if (field_.nullable) levels_.push_back(is_null ? 0 : 1);
    ++page_values_;
    if (is_null) {
      page_stats_.AddNulls(1);
    } else {
      std::string_view value =
          IsVariableWidth(field_.type)
              ? column.GetString(row)
              : std::string_view(reinterpret_cast<const char*>(column.values().data()) +
                                     row * static_cast<size_t>(width),
                                 static_cast<size_t>(width));
      switch (field_.type) {
        case TypeId::kBoolean:
          page_stats_.AddInt(column.GetBool(row));
          break;
        case TypeId::kInt32:
        case TypeId::kDate:
          page_stats_.AddInt(column.GetInt32(row));
          break;
        case TypeId::kInt64:
        case TypeId::kTimestamp:
          page_stats_.AddInt(column.GetInt64(row));
          break;
        case TypeId::kFloat64:
          page_stats_.AddDouble(column.GetDouble(row));
          break;
        case TypeId::kString:
        case TypeId::kBinary:
          page_stats_.AddBytes(value);
          break;
      }
      if (field_.type == TypeId::kBoolean) {
        bools_.push_back(column.GetBool(row) ? 1 : 0);
      } else if (use_dictionary_) {
        auto it = dict_index_.find(value);
        if (it == dict_index_.end()) {
          it = dict_index_.emplace(std::string(value), static_cast<uint32_t>(dict_entries_.size()))
                   .first;
          dict_entries_.push_back(&it->first);
          dict_plain_bytes_ += value.size() + (IsVariableWidth(field_.type) ? 4 : 0);
        }
        indices_.push_back(it->second);
        page_plain_bytes_ += value.size() + (IsVariableWidth(field_.type) ? 4 : 0);
        if (dict_plain_bytes_ > options_.page_bytes) FallBackToPlain();
      } else {
        AppendPlain(value);
      }
    }
    if (page_values_ >= kMaxPageValues || EstimatedPageBytes() >= options_.page_bytes) {
      STEDI_RETURN_NOT_OK(FlushPage());
    }
  }
  return Status::OK();
}

Status ColumnChunkWriter::AppendPage(PageHeader header, const std::string& body, std::string* out) {
  STEDI_ASSIGN_OR_RETURN(std::string compressed,
                         Compress(options_.codec, body, options_.zstd_level));
  if (body.size() > INT32_MAX || compressed.size() > INT32_MAX) {
    return Status::Invalid("column " + field_.name + ": page of " + std::to_string(body.size()) +
                           " bytes exceeds Parquet's 2 GiB page limit");
  }
  header.uncompressed_page_size = static_cast<int32_t>(body.size());
  header.compressed_page_size = static_cast<int32_t>(compressed.size());
  const std::string header_bytes = SerializePageHeader(header);
  out->append(header_bytes);
  out->append(compressed);
  uncompressed_size_ += static_cast<int64_t>(header_bytes.size() + body.size());
  return Status::OK();
}

Status ColumnChunkWriter::FlushPage() {
  if (page_values_ == 0) return Status::OK();
  if (use_dictionary_ && !dict_pages_written_) {
    // Keep the dictionary only when it pays on the first page: dictionary plus indices must be
    // smaller than the same values in PLAIN.
    const size_t dict_cost =
        dict_plain_bytes_ +
        indices_.size() * static_cast<size_t>(BitWidth(dict_entries_.size())) / 8;
    if (dict_cost >= page_plain_bytes_) FallBackToPlain();
  }
  std::string body;
  if (field_.nullable) {
    std::string levels;
    EncodeRleHybrid(levels_, 1, &levels);
    AppendU32(static_cast<uint32_t>(levels.size()), &body);
    body += levels;
  }
  DataPageHeader dp;
  dp.num_values = static_cast<int32_t>(page_values_);
  dp.definition_level_encoding = Encoding::kRle;
  dp.repetition_level_encoding = Encoding::kRle;
  dp.statistics = ToThrift(page_stats_);
  if (field_.type == TypeId::kBoolean) {
    dp.encoding = Encoding::kPlain;
    const size_t start = body.size();
    body.resize(start + (bools_.size() + 7) / 8, '\0');
    for (size_t i = 0; i < bools_.size(); ++i) {
      if (bools_[i]) body[start + i / 8] = static_cast<char>(body[start + i / 8] | (1 << (i % 8)));
    }
    plain_pages_written_ = true;
  } else if (use_dictionary_) {
    dp.encoding = Encoding::kRleDictionary;
    const int width = std::max(1, BitWidth(dict_entries_.size() - 1));
    body.push_back(static_cast<char>(width));
    EncodeRleHybrid(indices_, width, &body);
    dict_pages_written_ = true;
  } else {
    dp.encoding = Encoding::kPlain;
    body += plain_;
    plain_pages_written_ = true;
  }
  PageHeader header;
  header.type = PageType::kDataPage;
  header.data_page = std::move(dp);
  STEDI_RETURN_NOT_OK(AppendPage(std::move(header), body, &data_pages_));

  num_values_ += static_cast<int64_t>(page_values_);
  chunk_stats_.Merge(page_stats_);
  page_stats_.Reset();
  levels_.clear();
  indices_.clear();
  bools_.clear();
  plain_.clear();
  page_values_ = 0;
  page_plain_bytes_ = 0;
  return Status::OK();
}

Result<EncodedChunk> ColumnChunkWriter::Finish() {
  STEDI_RETURN_NOT_OK(FlushPage());
  EncodedChunk chunk;
  if (dict_pages_written_) {
    std::string dict;
    dict.reserve(dict_plain_bytes_);
    for (const std::string* entry : dict_entries_) {
      if (IsVariableWidth(field_.type)) AppendU32(static_cast<uint32_t>(entry->size()), &dict);
      dict += *entry;
    }
    PageHeader header;
    header.type = PageType::kDictionaryPage;
    header.dictionary_page =
        DictionaryPageHeader{static_cast<int32_t>(dict_entries_.size()), Encoding::kPlain};
    STEDI_RETURN_NOT_OK(AppendPage(std::move(header), dict, &chunk.bytes));
    chunk.dictionary_page_offset = 0;
    chunk.encodings.push_back(Encoding::kRleDictionary);
  }
  chunk.data_page_offset = static_cast<int64_t>(chunk.bytes.size());
  chunk.bytes += data_pages_;
  if (plain_pages_written_ || dict_pages_written_) chunk.encodings.push_back(Encoding::kPlain);
  if (field_.nullable) chunk.encodings.push_back(Encoding::kRle);
  chunk.num_values = num_values_;
  chunk.uncompressed_size = uncompressed_size_;
  chunk.statistics = chunk_stats_;
  ResetChunk();
  return chunk;
}

}  // namespace stedi::parquet
