#pragma once

#include <cstdint>
#include <string>
#include <string_view>

namespace stedi::avro {

/// Appends values in Avro's binary encoding (Avro 1.11 spec, "Binary Encoding") to a buffer.
/// The caller walks its schema and calls one method per value, in schema order; nothing here
/// knows the schema, which is what lets us write Iceberg's field ids into the file header
/// untouched (libavro re-serialises schemas and drops them).
class Encoder {
 public:
  /// int and long share one encoding: zig-zag, then base-128 varint.
  void Long(int64_t v);
  void Int(int32_t v) { Long(v); }
  void Boolean(bool v) { buffer_.push_back(v ? '\1' : '\0'); }
  void Double(double v);
  void Float(float v);
  /// bytes and string: length as long, then the raw bytes.
  void Bytes(std::string_view v);
  void String(std::string_view v) { Bytes(v); }
  /// Selects branch INDEX of a union; the branch's value follows.
  void UnionBranch(int64_t index) { Long(index); }
  void Null() {}
  /// Arrays and maps are blocks of items: BlockStart(n) before n items, EndBlocks() after the
  /// last block. An empty array or map is just EndBlocks().
  void BlockStart(int64_t count) {
    if (count > 0) Long(count);
  }
  void EndBlocks() { Long(0); }
  /// Raw bytes, e.g. a fixed value or a sync marker.
  void Raw(std::string_view v) { buffer_.append(v); }

  const std::string& buffer() const { return buffer_; }
  size_t size() const { return buffer_.size(); }
  void Clear() { buffer_.clear(); }

 private:
  std::string buffer_;
};

}  // namespace stedi::avro
