#include "formats/parquet/column_chunk_writer.h"

#include <algorithm>
#include <bit>
#include <climits>
#include <cmath>
#include <cstring>
#include <type_traits>

#include "formats/parquet/compression.h"
#include "formats/parquet/delta_binary_packed.h"
#include "formats/parquet/rle_hybrid.h"

namespace stedi::parquet {
namespace {

// Caps values per page so readers never face enormous level runs, whatever page_bytes says.
constexpr size_t kMaxPageValues = 1 << 20;
// Rows appended between two checks of the page and dictionary limits.
constexpr size_t kRowsPerCheck = 256;

void AppendU32(uint32_t v, std::string* out) {
  char b[4];
  std::memcpy(b, &v, 4);  // little-endian host
  out->append(b, 4);
}

// Appends V in PLAIN encoding (little-endian host).
template <typename T>
void AppendFixed(T v, std::string* out) {
  char b[sizeof(T)];
  std::memcpy(b, &v, sizeof(T));
  out->append(b, sizeof(T));
}

// Appends PLAIN, values of T back to back, to OUT as DELTA_BINARY_PACKED.
template <typename T>
void PlainToDelta(const std::string& plain, std::string* out) {
  std::vector<T> values(plain.size() / sizeof(T));
  if (!values.empty()) std::memcpy(values.data(), plain.data(), plain.size());
  EncodeDeltaBinaryPacked(values, out);
}

template <typename T>
T ValueAt(const Column& column, size_t row) {
  if constexpr (std::is_same_v<T, std::string_view>) {
    return column.GetString(row);
  } else if constexpr (std::is_same_v<T, bool>) {
    return column.GetBool(row);
  } else {
    return column.Get<T>(row);
  }
}

template <typename T>
size_t PlainSize(T v) {
  if constexpr (std::is_same_v<T, std::string_view>) {
    return v.size() + 4;
  } else {
    return sizeof(v);
  }
}

// Minimum, maximum and null count of a run of values, kept in locals while a run is appended
// and folded into the page statistics once per run (or before a page is flushed). Folding the
// run's extremes gives the same result as adding every value, as min and max are associative.
template <typename T>
struct RunStatistics {
  int64_t nulls = 0;
  bool any = false;
  int64_t lo = 0, hi = 0;
  void Add(T v) {
    const int64_t x = static_cast<int64_t>(v);
    if (!any) {
      lo = hi = x;
      any = true;
    } else {
      lo = std::min(lo, x);
      hi = std::max(hi, x);
    }
  }
  // Adds rows [BEGIN, END) of COLUMN, none of them null, in a loop the compiler vectorizes.
  void AddAll(const Column& column, size_t begin, size_t end) {
    if (begin == end) return;
    int64_t l = static_cast<int64_t>(column.Get<T>(begin));
    int64_t h = l;
    for (size_t r = begin + 1; r < end; ++r) {
      const int64_t x = static_cast<int64_t>(column.Get<T>(r));
      l = std::min(l, x);
      h = std::max(h, x);
    }
    Add(static_cast<T>(l));
    Add(static_cast<T>(h));
  }
  void FoldInto(ColumnStatistics* s) {
    s->AddNulls(nulls);
    if (any) {
      s->AddInt(lo);
      s->AddInt(hi);
    }
    *this = RunStatistics();
  }
};

template <>
struct RunStatistics<double> {
  int64_t nulls = 0;
  bool any = false;
  double lo = 0, hi = 0;
  void Add(double v) {
    if (std::isnan(v)) return;
    if (!any) {
      lo = hi = v;
      any = true;
      return;
    }
    // Same order as ColumnStatistics::AddDouble: -0.0 below +0.0.
    if (v < lo || (v == 0 && lo == 0 && std::signbit(v))) lo = v;
    if (v > hi || (v == 0 && hi == 0 && !std::signbit(v))) hi = v;
  }
  // Adds rows [BEGIN, END) of COLUMN, none of them null, in a loop without branches: NaN fails
  // both comparisons. Which zero is an extreme does not matter: the statistics are written with
  // -0.0 as a zero minimum and +0.0 as a zero maximum whatever the values were.
  void AddAll(const Column& column, size_t begin, size_t end) {
    double l = HUGE_VAL, h = -HUGE_VAL;
    bool number = false;
    for (size_t r = begin; r < end; ++r) {
      const double v = column.Get<double>(r);
      l = v < l ? v : l;
      h = v > h ? v : h;
      number |= v == v;
    }
    if (!number) return;
    Add(l);
    Add(h);
  }
  void FoldInto(ColumnStatistics* s) {
    s->AddNulls(nulls);
    if (any) {
      s->AddDouble(lo);
      s->AddDouble(hi);
    }
    *this = RunStatistics();
  }
};

template <>
struct RunStatistics<std::string_view> {
  int64_t nulls = 0;
  bool any = false;
  std::string_view lo, hi;  // views into the column being appended
  void Add(std::string_view v) {
    if (!any) {
      lo = hi = v;
      any = true;
    } else if (v < lo) {
      lo = v;
    } else if (v > hi) {
      hi = v;
    }
  }
  void FoldInto(ColumnStatistics* s) {
    s->AddNulls(nulls);
    if (any) {
      s->AddBytes(lo);
      s->AddBytes(hi);
    }
    *this = RunStatistics();
  }
};

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
  ClearDictionary();
  dict_pages_written_ = false;
  plain_pages_written_ = false;
  delta_pages_written_ = false;
  data_pages_.clear();
  num_values_ = 0;
  uncompressed_size_ = 0;
  chunk_stats_.Reset();
}

void ColumnChunkWriter::ClearDictionary() {
  dict32_.Clear();
  dict64_.Clear();
  dict_bytes_.Clear();
  chunk_dictionary_values_ = 0;
  source_dictionary_.reset();
  source_codes_.clear();
}

inline size_t ColumnChunkWriter::DictionarySize() const {
  return dict32_.size() + dict64_.size() + dict_bytes_.size();
}

size_t ColumnChunkWriter::DictionaryLimit() const {
  // Fixed-width values keep the page size as their limit: the size test above compares
  // uncompressed bytes, and PLAIN numbers that sit close together (timestamps) compress far
  // better than the dictionary indices that would replace them.
  return IsVariableWidth(field_.type) ? options_.dictionary_bytes : options_.page_bytes;
}

inline size_t ColumnChunkWriter::DictionaryPlainBytes() const {
  return dict32_.plain_bytes() + dict64_.plain_bytes() + dict_bytes_.plain_bytes();
}

void ColumnChunkWriter::AppendPlain(std::string_view value) {
  if (IsVariableWidth(field_.type)) AppendU32(static_cast<uint32_t>(value.size()), &plain_);
  plain_.append(value);
}

// Inline: called after every value.
inline size_t ColumnChunkWriter::EstimatedPageBytes() const {
  size_t bytes = levels_.size() / 8;
  if (use_dictionary_) {
    bytes += indices_.size() * static_cast<size_t>(std::bit_width(DictionarySize())) / 8;
  } else {
    bytes += plain_.size() + bools_.size() / 8;
  }
  return bytes;
}

bool ColumnChunkWriter::DictionaryPaysSoFar() const {
  // Every dictionary-encoded value of the chunk is still in the current page (no dictionary
  // page has been flushed), so page_plain_bytes_ is their PLAIN size. The test is on size, not
  // on the share of distinct values: a sample of 16k rows from 20k e-mail addresses is ~70%
  // distinct, yet their dictionary is already smaller than PLAIN and pays off hugely over a
  // row group, whereas unique timestamps cost more as dictionary plus indices than PLAIN.
  const size_t dict_cost =
      DictionaryPlainBytes() +
      indices_.size() * static_cast<size_t>(std::bit_width(DictionarySize())) / 8;
  // Fixed-width numbers must save two thirds: PLAIN numbers that sit close together (readings'
  // timestamps, three to a value) compress about as well as their dictionary and indices, and
  // looking each one up in a dictionary of a hundred thousand entries misses the cache.
  if (!IsVariableWidth(field_.type)) return 3 * dict_cost < page_plain_bytes_;
  return dict_cost < page_plain_bytes_;
}

void ColumnChunkWriter::FallBackToPlain() {
  switch (PhysicalTypeFor(field_.type)) {
    case PhysicalType::kInt32:
      for (uint32_t index : indices_) AppendFixed(dict32_.values()[index], &plain_);
      break;
    case PhysicalType::kInt64:
    case PhysicalType::kDouble:
      for (uint32_t index : indices_) AppendFixed(dict64_.values()[index], &plain_);
      break;
    default:
      for (uint32_t index : indices_) AppendPlain(dict_bytes_.Get(index));
      break;
  }
  indices_.clear();
  use_dictionary_ = false;
  if (!dict_pages_written_) ClearDictionary();
}

template <typename T>
uint32_t ColumnChunkWriter::DictionaryIndex(T value) {
  if constexpr (std::is_same_v<T, std::string_view>) {
    return dict_bytes_.GetOrInsert(value);
  } else if constexpr (sizeof(T) == 4) {
    return dict32_.GetOrInsert(std::bit_cast<uint32_t>(value));
  } else {
    return dict64_.GetOrInsert(std::bit_cast<uint64_t>(value));
  }
}

inline uint32_t ColumnChunkWriter::SourceCodeIndex(const Column& column, size_t row,
                                                   std::string_view value) {
  uint32_t& index = source_codes_[column.code(row)];
  if (index == kUnmappedCode) index = dict_bytes_.GetOrInsert(value);
  return index;
}

template <typename T>
Status ColumnChunkWriter::AppendValues(const Column& column, size_t offset, size_t length) {
  const uint8_t* validity = column.validity().empty() ? nullptr : column.validity().data();
  const bool nullable = field_.nullable;
  RunStatistics<T> run;
  // Rows of a dictionary-encoded column map their code to our index once per distinct code.
  const bool source_dictionary = column.is_dictionary();
  if (source_dictionary && source_dictionary_ != column.dictionary()) {
    source_dictionary_ = column.dictionary();
    source_codes_.assign(source_dictionary_->size(), kUnmappedCode);
  }
  size_t row = offset;
  const size_t end = offset + length;
  T previous{};  // a view into COLUMN for strings: valid during this call only
  uint32_t previous_index = 0;
  uint32_t previous_code = 0;  // PREVIOUS's code, for a dictionary-encoded string column
  bool has_previous = false;
  while (row < end) {
    // The page and dictionary limits are checked once per block of rows rather than per value,
    // so a page or dictionary may overshoot its target by a block's worth of values.
    size_t block_end = std::min({end, row + kRowsPerCheck, row + (kMaxPageValues - page_values_)});
    if (use_dictionary_ && chunk_dictionary_values_ < kEarlyCheckValues) {
      block_end = std::min(block_end, row + (kEarlyCheckValues - chunk_dictionary_values_));
    }
    if (nullable) {
      // While a page has no null, its levels (all 1) stay implied by page_values_.
      if (validity == nullptr) {
        if (!levels_.empty()) levels_.insert(levels_.end(), block_end - row, 1);
      } else {
        if (levels_.empty()) levels_.assign(page_values_, 1);
        for (size_t r = row; r < block_end; ++r) levels_.push_back(validity[r] != 0 ? 1 : 0);
      }
    }
    page_values_ += block_end - row;
    const size_t dictionary_values_before = chunk_dictionary_values_;
    // Numbers without nulls get their statistics in one pass over the block.
    constexpr bool kNumber = std::is_arithmetic_v<T> && !std::is_same_v<T, bool>;
    const bool block_statistics = kNumber && validity == nullptr;
    if constexpr (kNumber) {
      if (block_statistics) run.AddAll(column, row, block_end);
    }
    if constexpr (std::is_same_v<T, std::string_view>) {
      if (use_dictionary_ && source_dictionary) {
        // Equal codes are equal strings: a row repeating the previous row's code reuses its
        // index and size without reading the string. (Unequal codes may still be equal
        // strings in a foreign file's dictionary; SourceCodeIndex maps both to one index.)
        for (; row < block_end; ++row) {
          if (validity != nullptr && validity[row] == 0) {
            ++run.nulls;
            continue;
          }
          const uint32_t code = column.code(row);
          if (!has_previous || code != previous_code) {
            previous = source_dictionary_->GetString(code);
            run.Add(previous);
            previous_index = SourceCodeIndex(column, row, previous);
            previous_code = code;
            has_previous = true;
          }
          indices_.push_back(previous_index);
          page_plain_bytes_ += PlainSize(previous);
          ++chunk_dictionary_values_;
        }
      }
    }
    if constexpr (kNumber) {
      if (!use_dictionary_ && validity == nullptr) {
        // PLAIN numbers without nulls are the column's own bytes (little-endian host), taken as
        // one block; statistics came from the block pass above.
        const size_t n = block_end - row;
        plain_.append(reinterpret_cast<const char*>(column.values().data()) + row * sizeof(T),
                      n * sizeof(T));
        row = block_end;
      }
    }
    if constexpr (std::is_same_v<T, double>) {
      if (use_dictionary_ && validity == nullptr) {
        // Measurements without nulls: a lookup each, written straight into the page's indices,
        // the page's counters moved once per block (per value they would be stored and
        // reloaded around every lookup). Statistics came from the block pass above.
        const size_t n = block_end - row;
        const size_t at = indices_.size();
        indices_.resize(at + n);
        uint32_t* out = indices_.data() + at;
        for (size_t i = 0; i < n; ++i) out[i] = DictionaryIndex(column.Get<double>(row + i));
        page_plain_bytes_ += n * sizeof(double);
        chunk_dictionary_values_ += n;
        row = block_end;
      }
    }
    for (; row < block_end; ++row) {
      if (validity != nullptr && validity[row] == 0) {
        ++run.nulls;
        continue;
      }
      const T value = ValueAt<T>(column, row);
      if constexpr (std::is_same_v<T, bool>) {
        run.Add(value);
        bools_.push_back(value ? 1 : 0);
      } else if (use_dictionary_) {
        if constexpr (std::is_same_v<T, double>) {
          // Measurements (sensor axes) rarely repeat their predecessor in a predictable way: the
          // comparison below would mispredict often and cost more than the dictionary's inline
          // lookup of a known value (measured on a pipeline run).
          if (!block_statistics) run.Add(value);
          previous_index = DictionaryIndex(value);
        } else if (!has_previous || value != previous) {
          // Landing data repeats strings and integers over consecutive rows (one user's
          // readings, three per timestamp): the previous row's index is then reused without a
          // lookup, which for timestamps would mostly miss the cache. Nor can a repeat change
          // the statistics, which hold the previous value already.
          if (!block_statistics) run.Add(value);
          if constexpr (std::is_same_v<T, std::string_view>) {
            previous_index =
                source_dictionary ? SourceCodeIndex(column, row, value) : DictionaryIndex(value);
          } else {
            previous_index = DictionaryIndex(value);
          }
          previous = value;
          has_previous = true;
        }
        indices_.push_back(previous_index);
        page_plain_bytes_ += PlainSize(value);
        ++chunk_dictionary_values_;
      } else if constexpr (std::is_same_v<T, std::string_view>) {
        run.Add(value);
        AppendPlain(value);
      } else {
        if (!block_statistics) run.Add(value);
        AppendFixed(value, &plain_);
      }
    }
    if (use_dictionary_) {
      if (DictionaryPlainBytes() > DictionaryLimit()) {
        FallBackToPlain();
      } else if (dictionary_values_before < kEarlyCheckValues &&
                 chunk_dictionary_values_ >= kEarlyCheckValues && !dict_pages_written_ &&
                 !DictionaryPaysSoFar()) {
        FallBackToPlain();
      }
    }
    if (page_values_ >= kMaxPageValues || EstimatedPageBytes() >= options_.page_bytes) {
      run.FoldInto(&page_stats_);
      STEDI_RETURN_NOT_OK(FlushPage());
      has_previous = false;  // the next page's statistics start with its first value
    }
  }
  run.FoldInto(&page_stats_);
  return Status::OK();
}

Status ColumnChunkWriter::Append(const Column& column, size_t offset, size_t length) {
  if (column.type() != field_.type) {
    return Status::Internal("column " + field_.name + " gets " +
                            std::string(TypeName(column.type())) + " values, expects " +
                            std::string(TypeName(field_.type)));
  }
  switch (field_.type) {
    case TypeId::kBoolean:
      return AppendValues<bool>(column, offset, length);
    case TypeId::kInt32:
    case TypeId::kDate:
      return AppendValues<int32_t>(column, offset, length);
    case TypeId::kInt64:
    case TypeId::kTimestamp:
      return AppendValues<int64_t>(column, offset, length);
    case TypeId::kFloat64:
      return AppendValues<double>(column, offset, length);
    case TypeId::kString:
    case TypeId::kBinary:
      return AppendValues<std::string_view>(column, offset, length);
  }
  return Status::Internal("column " + field_.name + " has an unknown type");
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
    const size_t dict_cost = DictionaryPlainBytes() +
                             indices_.size() * static_cast<size_t>(BitWidth(DictionarySize())) / 8;
    if (dict_cost >= page_plain_bytes_) FallBackToPlain();
  }
  std::string body;
  if (field_.nullable) {
    std::string levels;
    if (levels_.empty()) {
      EncodeRepeatedValue(1, page_values_, 1, &levels);
    } else {
      EncodeRleHybrid(levels_, 1, &levels);
    }
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
    const int width = std::max(1, BitWidth(DictionarySize() - 1));
    body.push_back(static_cast<char>(width));
    EncodeRleHybrid(indices_, width, &body);
    dict_pages_written_ = true;
  } else if (const PhysicalType physical = PhysicalTypeFor(field_.type);
             options_.delta_integers &&
             (physical == PhysicalType::kInt32 || physical == PhysicalType::kInt64)) {
    dp.encoding = Encoding::kDeltaBinaryPacked;
    if (physical == PhysicalType::kInt32) {
      PlainToDelta<int32_t>(plain_, &body);
    } else {
      PlainToDelta<int64_t>(plain_, &body);
    }
    delta_pages_written_ = true;
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
    // The dictionaries keep their values PLAIN-encoded, which is the dictionary page body.
    std::string fixed;
    if (dict32_.size() > 0) {
      fixed.assign(reinterpret_cast<const char*>(dict32_.values().data()), dict32_.plain_bytes());
    } else if (dict64_.size() > 0) {
      fixed.assign(reinterpret_cast<const char*>(dict64_.values().data()), dict64_.plain_bytes());
    }
    const std::string& dict = IsVariableWidth(field_.type) ? dict_bytes_.plain() : fixed;
    PageHeader header;
    header.type = PageType::kDictionaryPage;
    header.dictionary_page =
        DictionaryPageHeader{static_cast<int32_t>(DictionarySize()), Encoding::kPlain};
    STEDI_RETURN_NOT_OK(AppendPage(std::move(header), dict, &chunk.bytes));
    chunk.dictionary_page_offset = 0;
    chunk.encodings.push_back(Encoding::kRleDictionary);
  }
  chunk.data_page_offset = static_cast<int64_t>(chunk.bytes.size());
  chunk.bytes += data_pages_;
  if (plain_pages_written_ || dict_pages_written_) chunk.encodings.push_back(Encoding::kPlain);
  if (delta_pages_written_) chunk.encodings.push_back(Encoding::kDeltaBinaryPacked);
  if (field_.nullable) chunk.encodings.push_back(Encoding::kRle);
  chunk.num_values = num_values_;
  chunk.uncompressed_size = uncompressed_size_;
  chunk.statistics = chunk_stats_;
  ResetChunk();
  return chunk;
}

}  // namespace stedi::parquet
