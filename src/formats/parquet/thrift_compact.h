#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "status/result.h"

namespace stedi::parquet {

/// Type codes of the Thrift compact protocol, as they appear in field and list headers.
enum class ThriftType : uint8_t {
  kStop = 0,
  kBoolTrue = 1,
  kBoolFalse = 2,
  kByte = 3,
  kI16 = 4,
  kI32 = 5,
  kI64 = 6,
  kDouble = 7,
  kBinary = 8,
  kList = 9,
  kSet = 10,
  kMap = 11,
  kStruct = 12,
};

/// Appends Thrift compact protocol bytes to a string. Field ids must increase within a struct,
/// as the delta encoding of field headers assumes; nested structs are opened with BeginStruct
/// and closed with EndStruct.
class ThriftCompactWriter {
 public:
  void FieldI32(int16_t id, int32_t v);
  void FieldI64(int16_t id, int64_t v);
  void FieldI8(int16_t id, int8_t v);
  void FieldBool(int16_t id, bool v);
  void FieldBinary(int16_t id, std::string_view v);
  /// Writes a list header for SIZE elements of ELEMENT type as field ID; elements follow.
  void FieldListBegin(int16_t id, ThriftType element, size_t size);
  /// Writes the header of a struct-typed field ID and enters it.
  void FieldStructBegin(int16_t id);
  /// Enters a struct that is a list element (no field header).
  void StructBegin();
  /// Writes the stop byte and leaves the current struct.
  void StructEnd();

  /// List element writers (no field header).
  void ElementI32(int32_t v) { Varint(ZigZag(v)); }
  void ElementBinary(std::string_view v);

  const std::string& bytes() const { return out_; }
  std::string Release() { return std::move(out_); }

 private:
  static uint64_t ZigZag(int64_t v) {
    return (static_cast<uint64_t>(v) << 1) ^ static_cast<uint64_t>(v >> 63);
  }
  void Varint(uint64_t v);
  void FieldHeader(int16_t id, ThriftType type);

  std::string out_;
  int16_t last_id_ = 0;
  std::vector<int16_t> id_stack_;
};

/// Reads Thrift compact protocol bytes from a bounded buffer. Every read checks bounds and
/// nesting depth and fails with Status::Corruption (naming CONTEXT and the byte offset) instead
/// of reading past the end; Skip() passes over fields of unknown ids whatever their type.
class ThriftCompactReader {
 public:
  /// Reads DATA; CONTEXT (e.g. "footer of s3://x.parquet") and BASE_OFFSET (file offset of
  /// DATA[0]) only label error messages.
  ThriftCompactReader(std::string_view data, std::string context, uint64_t base_offset = 0)
      : data_(data), context_(std::move(context)), base_offset_(base_offset) {}

  /// Enters a struct: field ids restart from zero.
  Status StructBegin();
  /// Leaves the struct entered last (after ReadFieldHeader returned kStop).
  void StructEnd();
  /// Reads the next field header; TYPE kStop marks the end of the struct.
  Status ReadFieldHeader(ThriftType* type, int16_t* id);
  /// Reads a list header: element type and element count (bounded by the bytes left).
  Status ReadListHeader(ThriftType* element, uint32_t* size);

  /// Value readers; TYPE is the field's type from its header (checked against the request).
  Status ReadBool(ThriftType type, bool* v);
  Status ReadI8(ThriftType type, int8_t* v);
  Status ReadI32(ThriftType type, int32_t* v);
  Status ReadI64(ThriftType type, int64_t* v);
  Status ReadBinary(ThriftType type, std::string* v);
  /// Passes over one value of TYPE, including nested structs, lists, sets and maps.
  Status Skip(ThriftType type);

  /// Returns how many bytes were consumed so far.
  size_t position() const { return pos_; }
  /// Returns a Corruption status naming the context and the current file offset.
  Status Error(std::string_view what) const;

 private:
  Status ReadByte(uint8_t* b);
  Status ReadVarint(uint64_t* v);
  Status ReadZigZag(int64_t* v);
  Status SkipDepth(ThriftType type, int depth);
  Status CheckType(ThriftType actual, ThriftType wanted, std::string_view what) const;

  std::string_view data_;
  std::string context_;
  uint64_t base_offset_;
  size_t pos_ = 0;
  int16_t last_id_ = 0;
  std::vector<int16_t> id_stack_;
};

}  // namespace stedi::parquet
