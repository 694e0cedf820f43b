#include "formats/parquet/column_chunk_reader.h"

#include <algorithm>
#include <bit>
#include <cstring>
#include <memory>
#include <string_view>
#include <vector>

#include "formats/parquet/compression.h"
#include "formats/parquet/delta_binary_packed.h"
#include "formats/parquet/rle_hybrid.h"

namespace stedi::parquet {
namespace {

// Bounds what a single (possibly hostile) page header can make us allocate.
constexpr int64_t kMaxPageBytes = 256ll << 20;
constexpr int64_t kMaxPageValues = 1ll << 24;
// 1970-01-01 as a Julian day number, for INT96 timestamps.
constexpr int64_t kJulianEpochDay = 2440588;

// Decoded non-null values of one page or dictionary; which vector is used depends on the target
// type: ints for boolean/int/bigint/date/timestamp, doubles for double, bytes for string/binary.
struct Values {
  std::vector<int64_t> ints;
  std::vector<double> doubles;
  std::vector<std::string_view> bytes;
  size_t size(TypeId type) const {
    if (type == TypeId::kFloat64) return doubles.size();
    if (IsVariableWidth(type)) return bytes.size();
    return ints.size();
  }
};

template <typename T>
T Load(const char* p) {
  T v;
  std::memcpy(&v, p, sizeof(T));  // little-endian host
  return v;
}

class ChunkDecoder {
 public:
  ChunkDecoder(const RandomAccessFile& file, const ColumnDescriptor& d, Codec codec)
      : file_(file), d_(d), codec_(codec), builder_(d.type), codes_mode_(IsVariableWidth(d.type)) {}

  Status Run(std::string_view chunk, uint64_t base, int64_t num_values);
  Column Finish() {
    if (codes_mode_ && string_dictionary_) {
      return Column::FromDictionaryCodes(string_dictionary_, std::move(codes_),
                                         std::move(code_validity_));
    }
    return builder_.Finish();
  }

 private:
  Status Corrupt(uint64_t offset, const std::string& what) const {
    return Status::Corruption(file_.path() + ": column " + d_.name + ": " + what + " at offset " +
                              std::to_string(offset));
  }
  std::string Context(uint64_t offset) const {
    return file_.path() + ": column " + d_.name + " page at offset " + std::to_string(offset);
  }
  Status DecodePlain(std::string_view data, size_t count, Values* out, uint64_t offset) const;
  Status DecodeValues(Encoding encoding, std::string_view data, size_t count, Values* out,
                      uint64_t offset);
  Status Emit(const std::vector<uint32_t>& levels, size_t n, size_t non_null, const Values& values,
              uint64_t offset);
  Status ScaleTimestamp(int64_t* v, uint64_t offset) const;
  Status DecodeIndices(std::string_view data, size_t count, std::vector<uint32_t>* indices,
                       uint64_t offset) const;
  // Decodes a page without nulls straight into the column when that needs no conversion;
  // returns false when the page must take the general path.
  Result<bool> TryDecodeDense(Encoding encoding, std::string_view data, size_t count,
                              uint64_t offset);
  Status AppendCodes(const std::vector<uint32_t>& levels, size_t n, std::string_view data,
                     size_t non_null, uint64_t offset);
  void LeaveCodesMode();

  const RandomAccessFile& file_;
  const ColumnDescriptor& d_;
  Codec codec_;
  ColumnBuilder builder_;
  bool has_dictionary_ = false;
  std::string dictionary_buffer_;
  Values dictionary_;
  // Strings of a chunk whose pages are all dictionary-encoded stay codes into the dictionary
  // page (as a column); a PLAIN page turns the codes so far into inline strings.
  bool codes_mode_;
  std::shared_ptr<const Column> string_dictionary_;
  ByteBuffer codes_;                    // native uint32 codes, 4 bytes per row
  std::vector<uint8_t> code_validity_;  // empty until a row is null
  std::vector<uint32_t> scratch_indices_;
  std::vector<int64_t> scratch_ints_;
  ByteBuffer page_buffer_;
};

Status ChunkDecoder::DecodeIndices(std::string_view data, size_t count,
                                   std::vector<uint32_t>* indices, uint64_t offset) const {
  if (!has_dictionary_) return Corrupt(offset, "dictionary-encoded page without dictionary");
  indices->clear();
  if (count == 0) return Status::OK();
  if (data.empty()) return Corrupt(offset, "dictionary page data is empty");
  const int width = static_cast<uint8_t>(data[0]);
  STEDI_RETURN_NOT_OK(DecodeRleHybrid(data.substr(1), width, count, indices, Context(offset)));
  const size_t dict_size = dictionary_.size(d_.type);
  uint32_t largest = 0;
  for (uint32_t index : *indices) largest = std::max(largest, index);
  if (largest >= dict_size) {
    return Corrupt(offset, "dictionary index " + std::to_string(largest) + " beyond " +
                               std::to_string(dict_size) + " entries");
  }
  return Status::OK();
}

Result<bool> ChunkDecoder::TryDecodeDense(Encoding encoding, std::string_view data, size_t count,
                                          uint64_t offset) {
  const bool int64 = d_.type == TypeId::kInt64 && d_.physical == PhysicalType::kInt64;
  const bool float64 = d_.type == TypeId::kFloat64 && d_.physical == PhysicalType::kDouble;
  if (!int64 && !float64) return false;
  if (encoding == Encoding::kPlain) {
    if (count > data.size() / 8) {
      return Corrupt(offset, "PLAIN data of " + std::to_string(data.size()) +
                                 " bytes holds fewer than " + std::to_string(count) + " values");
    }
    builder_.AppendFixedWidthValues(data.data(), count);
    return true;
  }
  if (encoding == Encoding::kDeltaBinaryPacked && int64) {
    STEDI_RETURN_NOT_OK(DecodeDeltaBinaryPacked(data, count, &scratch_ints_, Context(offset)));
    builder_.AppendFixedWidthValues(scratch_ints_.data(), count);
    return true;
  }
  if (encoding != Encoding::kPlainDictionary && encoding != Encoding::kRleDictionary) return false;
  STEDI_RETURN_NOT_OK(DecodeIndices(data, count, &scratch_indices_, offset));
  // Both dictionaries hold 8-byte values; gathered straight into the column.
  uint8_t* out = builder_.AppendFixedWidthUninitialized(count);
  if (int64) {
    for (size_t i = 0; i < count; ++i) {
      std::memcpy(out + i * 8, &dictionary_.ints[scratch_indices_[i]], 8);
    }
  } else {
    for (size_t i = 0; i < count; ++i) {
      std::memcpy(out + i * 8, &dictionary_.doubles[scratch_indices_[i]], 8);
    }
  }
  return true;
}

Status ChunkDecoder::AppendCodes(const std::vector<uint32_t>& levels, size_t n,
                                 std::string_view data, size_t non_null, uint64_t offset) {
  STEDI_RETURN_NOT_OK(DecodeIndices(data, non_null, &scratch_indices_, offset));
  if (scratch_indices_.size() != non_null) {
    return Corrupt(offset, "value count does not match definition levels");
  }
  if (non_null == n) {
    codes_.Append(scratch_indices_.data(), n * sizeof(uint32_t));
    if (!code_validity_.empty()) code_validity_.insert(code_validity_.end(), n, 1);
    return Status::OK();
  }
  if (code_validity_.empty()) code_validity_.assign(codes_.size() / sizeof(uint32_t), 1);
  const size_t at = codes_.size();
  codes_.resize(at + n * sizeof(uint32_t));
  uint8_t* out = codes_.data() + at;
  size_t k = 0;
  for (size_t i = 0; i < n; ++i) {
    const bool present = levels[i] != 0;
    const uint32_t code = present ? scratch_indices_[k] : 0;
    std::memcpy(out + i * sizeof(uint32_t), &code, sizeof(code));
    code_validity_.push_back(present ? 1 : 0);
    k += present ? 1 : 0;
  }
  return Status::OK();
}

void ChunkDecoder::LeaveCodesMode() {
  if (!codes_mode_) return;
  codes_mode_ = false;
  const size_t rows = codes_.size() / sizeof(uint32_t);
  builder_.Reserve(rows);
  for (size_t i = 0; i < rows; ++i) {
    if (!code_validity_.empty() && code_validity_[i] == 0) {
      builder_.AppendNull();
    } else {
      uint32_t code;
      std::memcpy(&code, codes_.data() + i * sizeof(uint32_t), sizeof(code));
      builder_.AppendString(string_dictionary_->GetString(code));
    }
  }
  codes_ = ByteBuffer();
  std::vector<uint8_t>().swap(code_validity_);
}

Status ChunkDecoder::ScaleTimestamp(int64_t* v, uint64_t offset) const {
  if (d_.type != TypeId::kTimestamp || d_.physical != PhysicalType::kInt64) return Status::OK();
  if (d_.time_unit == TimeUnit::kMillis) {
    if (__builtin_mul_overflow(*v, int64_t{1000}, v)) {
      return Corrupt(offset, "millisecond timestamp out of range");
    }
  } else if (d_.time_unit == TimeUnit::kNanos) {
    // Floor division keeps instants before 1970 in the right microsecond.
    int64_t q = *v / 1000;
    if (*v % 1000 < 0) --q;
    *v = q;
  }
  return Status::OK();
}

Status ChunkDecoder::DecodePlain(std::string_view data, size_t count, Values* out,
                                 uint64_t offset) const {
  auto need = [&](uint64_t width) -> Status {
    if (count > data.size() / width) {
      return Corrupt(offset, "PLAIN data of " + std::to_string(data.size()) +
                                 " bytes holds fewer than " + std::to_string(count) + " values");
    }
    return Status::OK();
  };
  switch (d_.physical) {
    case PhysicalType::kBoolean:
      if (count > data.size() * 8) return Corrupt(offset, "PLAIN booleans end early");
      for (size_t i = 0; i < count; ++i) out->ints.push_back((data[i / 8] >> (i % 8)) & 1);
      return Status::OK();
    case PhysicalType::kInt32:
      STEDI_RETURN_NOT_OK(need(4));
      for (size_t i = 0; i < count; ++i) {
        const int32_t v = Load<int32_t>(data.data() + 4 * i);
        out->ints.push_back(d_.unsigned_int32 ? static_cast<int64_t>(static_cast<uint32_t>(v)) : v);
      }
      return Status::OK();
    case PhysicalType::kInt64:
      STEDI_RETURN_NOT_OK(need(8));
      for (size_t i = 0; i < count; ++i) {
        int64_t v = Load<int64_t>(data.data() + 8 * i);
        STEDI_RETURN_NOT_OK(ScaleTimestamp(&v, offset));
        out->ints.push_back(v);
      }
      return Status::OK();
    case PhysicalType::kInt96:
      STEDI_RETURN_NOT_OK(need(12));
      for (size_t i = 0; i < count; ++i) {
        const int64_t nanos = Load<int64_t>(data.data() + 12 * i);
        const int64_t day = Load<int32_t>(data.data() + 12 * i + 8);
        // |day| < 2^31 and |nanos| / 1000 < 2^54, so this cannot overflow.
        out->ints.push_back((day - kJulianEpochDay) * 86400000000ll + nanos / 1000);
      }
      return Status::OK();
    case PhysicalType::kFloat:
      STEDI_RETURN_NOT_OK(need(4));
      for (size_t i = 0; i < count; ++i) out->doubles.push_back(Load<float>(data.data() + 4 * i));
      return Status::OK();
    case PhysicalType::kDouble:
      STEDI_RETURN_NOT_OK(need(8));
      for (size_t i = 0; i < count; ++i) out->doubles.push_back(Load<double>(data.data() + 8 * i));
      return Status::OK();
    case PhysicalType::kByteArray: {
      size_t pos = 0;
      for (size_t i = 0; i < count; ++i) {
        if (data.size() - pos < 4) return Corrupt(offset, "PLAIN byte array length ends early");
        const uint32_t n = Load<uint32_t>(data.data() + pos);
        pos += 4;
        if (n > data.size() - pos) {
          return Corrupt(offset, "PLAIN byte array of " + std::to_string(n) + " bytes ends early");
        }
        out->bytes.push_back(data.substr(pos, n));
        pos += n;
      }
      return Status::OK();
    }
    case PhysicalType::kFixedLenByteArray: {
      if (d_.type_length <= 0) return Corrupt(offset, "FIXED_LEN_BYTE_ARRAY without length");
      STEDI_RETURN_NOT_OK(need(static_cast<uint64_t>(d_.type_length)));
      for (size_t i = 0; i < count; ++i) {
        out->bytes.push_back(data.substr(i * d_.type_length, d_.type_length));
      }
      return Status::OK();
    }
  }
  return Corrupt(offset, "unknown physical type");
}

Status ChunkDecoder::DecodeValues(Encoding encoding, std::string_view data, size_t count,
                                  Values* out, uint64_t offset) {
  switch (encoding) {
    case Encoding::kPlain:
      return DecodePlain(data, count, out, offset);
    case Encoding::kPlainDictionary:
    case Encoding::kRleDictionary: {
      std::vector<uint32_t> indices;
      STEDI_RETURN_NOT_OK(DecodeIndices(data, count, &indices, offset));
      if (d_.type == TypeId::kFloat64) {
        for (uint32_t index : indices) out->doubles.push_back(dictionary_.doubles[index]);
      } else if (IsVariableWidth(d_.type)) {
        for (uint32_t index : indices) out->bytes.push_back(dictionary_.bytes[index]);
      } else {
        for (uint32_t index : indices) out->ints.push_back(dictionary_.ints[index]);
      }
      return Status::OK();
    }
    case Encoding::kDeltaBinaryPacked:
      if (d_.physical == PhysicalType::kInt32) {
        std::vector<int32_t> v32;
        STEDI_RETURN_NOT_OK(DecodeDeltaBinaryPacked(data, count, &v32, Context(offset)));
        out->ints.reserve(v32.size());
        for (const int32_t v : v32) {
          out->ints.push_back(d_.unsigned_int32 ? static_cast<int64_t>(static_cast<uint32_t>(v))
                                                : v);
        }
        return Status::OK();
      }
      if (d_.physical == PhysicalType::kInt64) {
        STEDI_RETURN_NOT_OK(DecodeDeltaBinaryPacked(data, count, &out->ints, Context(offset)));
        for (int64_t& v : out->ints) STEDI_RETURN_NOT_OK(ScaleTimestamp(&v, offset));
        return Status::OK();
      }
      break;
    case Encoding::kRle: {
      if (d_.physical != PhysicalType::kBoolean) break;
      if (data.size() < 4) return Corrupt(offset, "RLE boolean length prefix ends early");
      const uint32_t n = Load<uint32_t>(data.data());
      if (n > data.size() - 4) return Corrupt(offset, "RLE boolean data ends early");
      std::vector<uint32_t> bits;
      STEDI_RETURN_NOT_OK(DecodeRleHybrid(data.substr(4, n), 1, count, &bits, Context(offset)));
      for (uint32_t b : bits) out->ints.push_back(b);
      return Status::OK();
    }
    default:
      break;
  }
  return Status::NotImplemented(file_.path() + ": column " + d_.name + " uses encoding " +
                                std::to_string(static_cast<int>(encoding)) +
                                ", which this reader does not support");
}

// Whether LEVEL_BYTES (RLE/bit-packed hybrid, bit width 1) start with one RLE run of value 1
// covering at least COUNT levels.
bool IsOneRunOfOnes(std::string_view level_bytes, size_t count) {
  uint64_t header = 0;
  size_t pos = 0;
  for (int shift = 0; shift <= 56; shift += 7) {
    if (pos >= level_bytes.size()) return false;
    const auto b = static_cast<uint8_t>(level_bytes[pos++]);
    header |= static_cast<uint64_t>(b & 0x7F) << shift;
    if ((b & 0x80) == 0) {
      return (header & 1) == 0 && (header >> 1) >= count && pos < level_bytes.size() &&
             level_bytes[pos] == 1;
    }
  }
  return false;
}

Status ChunkDecoder::Emit(const std::vector<uint32_t>& levels, size_t n, size_t non_null,
                          const Values& values, uint64_t offset) {
  if (values.size(d_.type) != non_null) {
    return Corrupt(offset, "value count does not match definition levels");
  }
  size_t k = 0;
  for (size_t i = 0; i < n; ++i) {
    if (!levels.empty() && levels[i] == 0) {
      builder_.AppendNull();
      continue;
    }
    switch (d_.type) {
      case TypeId::kBoolean:
        builder_.AppendBool(values.ints[k] != 0);
        break;
      case TypeId::kInt32:
      case TypeId::kDate:
        builder_.AppendInt32(static_cast<int32_t>(values.ints[k]));
        break;
      case TypeId::kInt64:
      case TypeId::kTimestamp:
        builder_.AppendInt64(values.ints[k]);
        break;
      case TypeId::kFloat64:
        builder_.AppendDouble(values.doubles[k]);
        break;
      case TypeId::kString:
      case TypeId::kBinary:
        builder_.AppendString(values.bytes[k]);
        break;
    }
    ++k;
  }
  return Status::OK();
}

Status ChunkDecoder::Run(std::string_view chunk, uint64_t base, int64_t num_values) {
  // Room for the whole chunk up front: growing page by page copied every value already decoded
  // again and again (a tenth of a run's time). Capped, since NUM_VALUES comes from the file.
  const size_t expected = static_cast<size_t>(std::clamp<int64_t>(num_values, 0, 1 << 24));
  if (codes_mode_) {
    codes_.reserve(expected * sizeof(uint32_t));
  } else {
    builder_.Reserve(expected);
  }
  size_t pos = 0;
  int64_t read = 0;
  while (read < num_values) {
    const uint64_t page_offset = base + pos;
    if (pos >= chunk.size()) {
      return Corrupt(page_offset, "column chunk ends after " + std::to_string(read) + " of " +
                                      std::to_string(num_values) + " values");
    }
    size_t header_size = 0;
    STEDI_ASSIGN_OR_RETURN(PageHeader h, ParsePageHeader(chunk.substr(pos), Context(page_offset),
                                                         page_offset, &header_size));
    pos += header_size;
    if (static_cast<uint64_t>(h.compressed_page_size) > chunk.size() - pos) {
      return Corrupt(page_offset, "page of " + std::to_string(h.compressed_page_size) +
                                      " bytes runs past its column chunk");
    }
    if (h.uncompressed_page_size > kMaxPageBytes) {
      return Corrupt(page_offset, "page claims " + std::to_string(h.uncompressed_page_size) +
                                      " uncompressed bytes");
    }
    const std::string_view raw = chunk.substr(pos, h.compressed_page_size);
    pos += h.compressed_page_size;
    const std::string ctx = Context(page_offset);

    if (h.type == PageType::kDictionaryPage) {
      if (!h.dictionary_page) return Corrupt(page_offset, "dictionary page without its header");
      if (has_dictionary_) return Corrupt(page_offset, "second dictionary page");
      const DictionaryPageHeader& dh = *h.dictionary_page;
      if (dh.encoding != Encoding::kPlain && dh.encoding != Encoding::kPlainDictionary) {
        return Status::NotImplemented(ctx + ": dictionary encoding " +
                                      std::to_string(static_cast<int>(dh.encoding)));
      }
      if (dh.num_values < 0 || dh.num_values > kMaxPageValues) {
        return Corrupt(page_offset, "dictionary of " + std::to_string(dh.num_values) + " entries");
      }
      STEDI_ASSIGN_OR_RETURN(dictionary_buffer_,
                             Decompress(codec_, raw, h.uncompressed_page_size, ctx));
      STEDI_RETURN_NOT_OK(DecodePlain(dictionary_buffer_, static_cast<size_t>(dh.num_values),
                                      &dictionary_, page_offset));
      has_dictionary_ = true;
      if (codes_mode_) {
        ColumnBuilder entries(d_.type);
        entries.Reserve(dictionary_.bytes.size());
        for (std::string_view v : dictionary_.bytes) entries.AppendString(v);
        string_dictionary_ = std::make_shared<const Column>(entries.Finish());
      }
      continue;
    }
    if (h.type != PageType::kDataPage && h.type != PageType::kDataPageV2) continue;

    int32_t n = 0;
    Encoding encoding;
    // The decompressed bytes the values may point into, until the next page: one buffer per
    // chunk, reused.
    ByteBuffer& page = page_buffer_;
    auto page_bytes = [&page] {
      return std::string_view(reinterpret_cast<const char*>(page.data()), page.size());
    };
    std::string_view level_bytes, value_bytes;
    bool levels_prefixed = false;
    if (h.type == PageType::kDataPage) {
      if (!h.data_page) return Corrupt(page_offset, "data page without its header");
      n = h.data_page->num_values;
      encoding = h.data_page->encoding;
      if (d_.max_definition_level > 0 && h.data_page->definition_level_encoding != Encoding::kRle) {
        return Status::NotImplemented(
            ctx + ": definition level encoding " +
            std::to_string(static_cast<int>(h.data_page->definition_level_encoding)));
      }
      STEDI_RETURN_NOT_OK(DecompressInto(codec_, raw, h.uncompressed_page_size, ctx, &page));
      value_bytes = page_bytes();
      levels_prefixed = true;
    } else {
      if (!h.data_page_v2) return Corrupt(page_offset, "data page v2 without its header");
      const DataPageHeaderV2& v2 = *h.data_page_v2;
      n = v2.num_values;
      encoding = v2.encoding;
      if (v2.definition_levels_byte_length < 0 || v2.repetition_levels_byte_length < 0 ||
          static_cast<int64_t>(v2.definition_levels_byte_length) +
                  v2.repetition_levels_byte_length >
              static_cast<int64_t>(raw.size()) ||
          static_cast<int64_t>(v2.definition_levels_byte_length) +
                  v2.repetition_levels_byte_length >
              h.uncompressed_page_size) {
        return Corrupt(page_offset, "level lengths exceed the page");
      }
      const size_t levels_size = static_cast<size_t>(v2.definition_levels_byte_length) +
                                 static_cast<size_t>(v2.repetition_levels_byte_length);
      level_bytes = raw.substr(v2.repetition_levels_byte_length, v2.definition_levels_byte_length);
      const std::string_view compressed_values = raw.substr(levels_size);
      const size_t values_size = static_cast<size_t>(h.uncompressed_page_size) - levels_size;
      if (v2.is_compressed) {
        STEDI_RETURN_NOT_OK(DecompressInto(codec_, compressed_values, values_size, ctx, &page));
      } else {
        page.clear();
        page.Append(compressed_values.data(), compressed_values.size());
      }
      value_bytes = page_bytes();
    }
    if (n < 0 || n > kMaxPageValues || n > num_values - read) {
      return Corrupt(page_offset, "page holds " + std::to_string(n) + " values, chunk has " +
                                      std::to_string(num_values - read) + " left");
    }
    const size_t count = static_cast<size_t>(n);
    std::vector<uint32_t> levels;
    size_t non_null = count;
    if (d_.max_definition_level > 0) {
      if (levels_prefixed) {
        if (value_bytes.size() < 4) return Corrupt(page_offset, "level length prefix ends early");
        const uint32_t len = Load<uint32_t>(value_bytes.data());
        if (len > value_bytes.size() - 4) return Corrupt(page_offset, "levels run past the page");
        level_bytes = value_bytes.substr(4, len);
        value_bytes = value_bytes.substr(4 + len);
      }
      // A page without nulls usually has one run of 1s for its levels: then no level is
      // expanded (LEVELS stays empty: every row present).
      if (!IsOneRunOfOnes(level_bytes, count)) {
        STEDI_RETURN_NOT_OK(DecodeRleHybrid(level_bytes, 1, count, &levels, ctx));
        non_null = 0;
        for (uint32_t l : levels) {
          if (l > 1) return Corrupt(page_offset, "definition level " + std::to_string(l));
          non_null += l;
        }
      }
    }
    const bool dictionary_page_data =
        encoding == Encoding::kPlainDictionary || encoding == Encoding::kRleDictionary;
    if (codes_mode_ && dictionary_page_data && string_dictionary_) {
      STEDI_RETURN_NOT_OK(AppendCodes(levels, count, value_bytes, non_null, page_offset));
      read += n;
      continue;
    }
    LeaveCodesMode();
    if (non_null == count) {
      STEDI_ASSIGN_OR_RETURN(bool done, TryDecodeDense(encoding, value_bytes, count, page_offset));
      if (done) {
        read += n;
        continue;
      }
    }
    Values values;
    STEDI_RETURN_NOT_OK(DecodeValues(encoding, value_bytes, non_null, &values, page_offset));
    STEDI_RETURN_NOT_OK(Emit(levels, count, non_null, values, page_offset));
    read += n;
  }
  return Status::OK();
}

}  // namespace

Result<Column> ReadColumnChunk(const RandomAccessFile& file, uint64_t data_end,
                               const ColumnDescriptor& d, const ColumnChunk& chunk,
                               int64_t num_rows) {
  const std::string where = file.path() + ": column " + d.name;
  if (chunk.has_file_path) return Status::NotImplemented(where + " is stored in another file");
  if (!chunk.meta_data) return Status::Corruption(where + ": column chunk without metadata");
  const ColumnMetaData& md = *chunk.meta_data;
  if (md.type != d.physical) {
    return Status::Corruption(where + ": chunk type " + std::to_string(static_cast<int>(md.type)) +
                              " differs from the schema's");
  }
  if (md.num_values != num_rows) {
    return Status::Corruption(where + ": chunk holds " + std::to_string(md.num_values) +
                              " values, row group has " + std::to_string(num_rows) + " rows");
  }
  int64_t start = md.data_page_offset;
  if (md.dictionary_page_offset && *md.dictionary_page_offset > 0 &&
      *md.dictionary_page_offset < start) {
    start = *md.dictionary_page_offset;
  }
  if (start < 4 || md.total_compressed_size < 0 || static_cast<uint64_t>(start) > data_end ||
      static_cast<uint64_t>(md.total_compressed_size) > data_end - static_cast<uint64_t>(start)) {
    return Status::Corruption(where + ": chunk range [" + std::to_string(start) + ", +" +
                              std::to_string(md.total_compressed_size) +
                              ") lies outside the data region ending at offset " +
                              std::to_string(data_end));
  }
  const size_t size = static_cast<size_t>(md.total_compressed_size);
  auto bytes = std::make_unique_for_overwrite<char[]>(std::max<size_t>(size, 1));
  STEDI_ASSIGN_OR_RETURN(size_t got, file.ReadAt(static_cast<uint64_t>(start), size, bytes.get()));
  if (got != size) {
    return Status::Corruption(where + ": short read at offset " + std::to_string(start));
  }
  ChunkDecoder decoder(file, d, md.codec);
  STEDI_RETURN_NOT_OK(
      decoder.Run(std::string_view(bytes.get(), size), static_cast<uint64_t>(start), num_rows));
  return decoder.Finish();
}

}  // namespace stedi::parquet
