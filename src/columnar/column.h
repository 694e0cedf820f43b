#pragma once

#include <cstdint>
#include <cstring>
#include <memory>
#include <string_view>
#include <vector>

#include "columnar/byte_buffer.h"
#include "columnar/data_type.h"

namespace stedi {

/// A run of values of one type, with nulls. Built by ColumnBuilder; read-only afterwards.
///
/// Layout: fixed-width values sit in `values` (FixedWidth(type) bytes each, zero where null);
/// strings and binaries keep their bytes in `values` and size()+1 offsets in `offsets`.
/// `validity` has one byte per row (1 = present) or is empty when no row is null.
///
/// A string or binary column may instead be dictionary-encoded: `values` then holds one uint32
/// code per row (0 where null) into a shared dictionary column, and `offsets` is empty. Parquet
/// scans produce such columns (their entries distinct within a file) and so does a join's build
/// side (its own rows as entries, which may repeat), and gathers keep them, so a join hashes
/// each entry once and a writer reuses the dictionary instead of copying and re-hashing every
/// row. Equal codes of one dictionary are equal values; different codes may be too. GetString hides
/// the difference; code touching raw string buffers must check is_dictionary() (or use
/// Materialized()).
class Column {
 public:
  Column() = default;
  explicit Column(TypeId type) : type_(type) {
    if (IsVariableWidth(type)) offsets_.push_back(0);
  }

  TypeId type() const { return type_; }
  size_t size() const { return size_; }
  size_t null_count() const { return null_count_; }
  bool IsNull(size_t row) const { return !validity_.empty() && validity_[row] == 0; }

  /// Returns value ROW of a fixed-width column as T (bool as uint8_t).
  template <typename T>
  T Get(size_t row) const {
    T v;
    std::memcpy(&v, values_.data() + row * sizeof(T), sizeof(T));
    return v;
  }
  int64_t GetInt64(size_t row) const { return Get<int64_t>(row); }
  int32_t GetInt32(size_t row) const { return Get<int32_t>(row); }
  double GetDouble(size_t row) const { return Get<double>(row); }
  bool GetBool(size_t row) const { return values_[row] != 0; }
  /// Returns value ROW of a string or binary column; empty when null.
  std::string_view GetString(size_t row) const {
    if (dictionary_) return dictionary_->GetString(code(row));
    return {reinterpret_cast<const char*>(values_.data()) + offsets_[row],
            offsets_[row + 1] - offsets_[row]};
  }

  /// Builds a dictionary-encoded column over DICTIONARY (a plain string or binary column)
  /// from one code per row; CODES[r] < dictionary->size() for every non-null row.
  static Column FromDictionary(std::shared_ptr<const Column> dictionary,
                               std::vector<uint32_t> codes, std::vector<uint8_t> validity);
  /// As above, with CODES as native uint32 values, 4 bytes per row, taken over without a copy;
  /// VALIDITY may be empty when no row is null.
  static Column FromDictionaryCodes(std::shared_ptr<const Column> dictionary, ByteBuffer codes,
                                    std::vector<uint8_t> validity);
  bool is_dictionary() const { return dictionary_ != nullptr; }
  /// The distinct values of a dictionary-encoded column, and row ROW's index into them.
  const std::shared_ptr<const Column>& dictionary() const { return dictionary_; }
  uint32_t code(size_t row) const { return Get<uint32_t>(row); }
  /// Returns this column with its strings stored inline (a copy when dictionary-encoded).
  Column Materialized() const;

  /// Raw buffers, for encoders that work on whole columns.
  const ByteBuffer& values() const { return values_; }
  const std::vector<uint64_t>& offsets() const { return offsets_; }
  const std::vector<uint8_t>& validity() const { return validity_; }

 private:
  friend class ColumnBuilder;
  TypeId type_ = TypeId::kString;
  size_t size_ = 0;
  size_t null_count_ = 0;
  ByteBuffer values_;
  std::vector<uint64_t> offsets_;
  std::vector<uint8_t> validity_;
  std::shared_ptr<const Column> dictionary_;
};

/// Appends values of one type and hands them over as a Column. Appending a value of a type
/// other than the builder's is a programming error (checked by assert).
class ColumnBuilder {
 public:
  explicit ColumnBuilder(TypeId type) : column_(type) {}

  TypeId type() const { return column_.type_; }
  size_t size() const { return column_.size_; }

  void Reserve(size_t rows);
  void AppendNull();
  /// Appends entry CODE of DICTIONARY: as a code while the builder is empty or holds codes of
  /// the same dictionary, as an inline string otherwise.
  void AppendCode(const std::shared_ptr<const Column>& dictionary, uint32_t code);
  void AppendBool(bool v) { AppendFixed<uint8_t>(v ? 1 : 0); }
  void AppendInt32(int32_t v) { AppendFixed(v); }
  void AppendInt64(int64_t v) { AppendFixed(v); }
  void AppendDouble(double v) { AppendFixed(v); }
  void AppendString(std::string_view v);
  /// Appends COUNT non-null values of a fixed-width type, stored as in Column::values().
  void AppendFixedWidthValues(const void* data, size_t count);
  /// Appends COUNT non-null values of a fixed-width type for the caller to write, in the layout
  /// of Column::values(), at the returned address (valid until the next append): a decoder
  /// gathers into the column instead of into a buffer copied after.
  uint8_t* AppendFixedWidthUninitialized(size_t count);
  /// Appends COUNT rows stored in a plain column's layout, e.g. read back from a raw dump:
  /// VALUE_BYTES bytes of VALUES; for strings COUNT + 1 native uint64 OFFSETS into VALUES (the
  /// first need not be 0; the buffer need not be aligned); VALIDITY one byte per row, or null
  /// when no row is null. The caller has checked that the buffers agree with each other.
  void AppendBuffers(const uint8_t* values, size_t value_bytes, const void* offsets,
                     const uint8_t* validity, size_t count);
  /// Takes VALUES (and for strings OFFSETS: COUNT + 1 ends into VALUES, the first 0) as the
  /// column's COUNT rows, none null, when the builder is empty: the buffers are swapped, so the
  /// caller gets the builder's empty ones back (the first offset 0). Returns false and takes
  /// nothing when the builder holds rows or dictionary codes.
  bool SwapInBuffers(ByteBuffer* values, std::vector<uint64_t>* offsets, size_t count);
  /// Appends row ROW of SOURCE, which must have this builder's type.
  void AppendFrom(const Column& source, size_t row);
  /// Appends rows ROWS of SOURCE in that order (a gather: one pass per buffer, no per-row calls).
  void AppendRows(const Column& source, const uint32_t* rows, size_t count);
  /// Appends rows [START, START + COUNT) of SOURCE.
  void AppendRange(const Column& source, size_t start, size_t count);

  /// Returns the built column and leaves the builder empty, ready for reuse.
  Column Finish();

 private:
  template <typename T>
  void AppendFixed(T v) {
    const size_t at = column_.values_.size();
    column_.values_.resize(at + sizeof(T));
    std::memcpy(column_.values_.data() + at, &v, sizeof(T));
    MarkValid();
  }
  void MarkValid() {
    if (!column_.validity_.empty()) column_.validity_.push_back(1);
    ++column_.size_;
  }

  // Turns a dictionary-encoded column under construction into an inline one, so values of
  // another dictionary or plain strings can follow.
  void MaterializeDictionary();
  // Whether rows of SOURCE can be appended as codes: both share one dictionary, or this builder
  // is still empty (it then adopts SOURCE's dictionary).
  bool AdoptDictionaryOf(const Column& source);

  Column column_;
};

}  // namespace stedi
