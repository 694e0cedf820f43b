#pragma once

#include <cstdint>
#include <cstring>
#include <string_view>
#include <vector>

#include "columnar/data_type.h"

namespace stedi {

/// A run of values of one type, with nulls. Built by ColumnBuilder; read-only afterwards.
///
/// Layout: fixed-width values sit in `values` (FixedWidth(type) bytes each, zero where null);
/// strings and binaries keep their bytes in `values` and size()+1 offsets in `offsets`.
/// `validity` has one byte per row (1 = present) or is empty when no row is null.
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
    return {reinterpret_cast<const char*>(values_.data()) + offsets_[row],
            offsets_[row + 1] - offsets_[row]};
  }

  /// Raw buffers, for encoders that work on whole columns.
  const std::vector<uint8_t>& values() const { return values_; }
  const std::vector<uint64_t>& offsets() const { return offsets_; }
  const std::vector<uint8_t>& validity() const { return validity_; }

 private:
  friend class ColumnBuilder;
  TypeId type_ = TypeId::kString;
  size_t size_ = 0;
  size_t null_count_ = 0;
  std::vector<uint8_t> values_;
  std::vector<uint64_t> offsets_;
  std::vector<uint8_t> validity_;
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
  void AppendBool(bool v) { AppendFixed<uint8_t>(v ? 1 : 0); }
  void AppendInt32(int32_t v) { AppendFixed(v); }
  void AppendInt64(int64_t v) { AppendFixed(v); }
  void AppendDouble(double v) { AppendFixed(v); }
  void AppendString(std::string_view v);
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

  Column column_;
};

}  // namespace stedi
