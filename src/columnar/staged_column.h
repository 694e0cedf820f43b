#pragma once

#include <algorithm>
#include <cstdint>
#include <cstring>
#include <memory>
#include <string_view>
#include <vector>

#include "columnar/byte_buffer.h"
#include "columnar/column.h"
#include "columnar/data_type.h"

namespace stedi {

/// Values of one column appended one at a time, then handed to a ColumnBuilder in one step.
/// A ColumnBuilder grows standard vectors value by value, which costs an out-of-line call and a
/// zero-fill per value; a row-at-a-time producer (the JSON reader) appends here instead, where
/// an append is a capacity check and a copy, and moves whole batches over.
class StagedColumn {
 public:
  explicit StagedColumn(TypeId type);

  TypeId type() const { return type_; }
  size_t size() const { return size_; }

  void AppendBool(bool v) { AppendFixed<uint8_t>(v ? 1 : 0); }
  void AppendInt32(int32_t v) { AppendFixed(v); }
  void AppendInt64(int64_t v) { AppendFixed(v); }
  void AppendDouble(double v) { AppendFixed(v); }
  void AppendString(std::string_view v) {
    values_.Append(v.data(), v.size());
    offsets_.push_back(values_.size());
    if (nulls_ > 0) validity_.Append("\1", 1);
    ++size_;
  }
  /// As AppendString, for a V whose first kBlockBytes bytes are readable even when V is
  /// shorter (it lies inside a larger buffer): a short string is then copied as one fixed-size
  /// block, inline, where a copy of its exact length calls memcpy.
  static constexpr size_t kBlockBytes = 32;
  void AppendStringInBlock(std::string_view v) {
    if (v.size() > kBlockBytes) return AppendString(v);
    const size_t at = values_.size();
    if (values_.capacity() - at < kBlockBytes) {
      values_.reserve(std::max(at + kBlockBytes, 2 * values_.capacity()));
    }
    // The bytes past V's end are written but not kept: the next append overwrites them.
    values_.resize(at + v.size());
    std::memcpy(values_.data() + at, v.data(), kBlockBytes);
    offsets_.push_back(values_.size());
    if (nulls_ > 0) validity_.Append("\1", 1);
    ++size_;
  }
  void AppendNull();
  /// Takes back the last value appended (the stage holds at least one).
  void PopLast();
  /// Makes room for ROWS more values (and STRING_BYTES more bytes of strings) without growing.
  void Reserve(size_t rows, size_t string_bytes);

  /// Appends the staged values to OUT (of this column's type) and empties the stage. Into an
  /// empty builder the buffers themselves move (no copy), and the stage takes fresh ones of
  /// the same capacity.
  void MoveTo(ColumnBuilder& out);

 private:
  // A byte buffer that only grows; appending is inline.
  class Bytes {
   public:
    size_t size() const { return size_; }
    const uint8_t* data() const { return data_.get(); }
    void Append(const void* p, size_t n) {
      if (n == 0) return;  // P may be null then
      if (capacity_ - size_ < n) Grow(n);
      std::memcpy(data_.get() + size_, p, n);
      size_ += n;
    }
    void Clear() { size_ = 0; }
    void Truncate(size_t n) { size_ = n; }
    void Reserve(size_t more) {
      if (capacity_ - size_ < more) Grow(more);
    }

   private:
    void Grow(size_t n);
    std::unique_ptr<uint8_t[]> data_;
    size_t size_ = 0;
    size_t capacity_ = 0;
  };

  template <typename T>
  void AppendFixed(T v) {
    values_.Append(&v, sizeof(T));
    if (nulls_ > 0) validity_.Append("\1", 1);
    ++size_;
  }

  TypeId type_;
  size_t size_ = 0;
  size_t nulls_ = 0;
  // As a Column holds them, so that MoveTo can hand them over to an empty builder.
  ByteBuffer values_;
  std::vector<uint64_t> offsets_;  // strings: size_ + 1 ends into values_, the first 0
  // One byte per value, 0 for null; empty while no value is null (most columns, most batches),
  // so that a valid value costs no byte.
  Bytes validity_;
};

}  // namespace stedi
