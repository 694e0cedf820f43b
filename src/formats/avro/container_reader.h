#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include "status/result.h"
#include "storage/file_system.h"

namespace stedi::avro {

class ContainerReader;

/// A read-only view of one value of the record ContainerReader::Next() returned; valid until
/// the next call to Next(). Unions are looked through: a value on a union's null branch is
/// IsNull(), any other branch reads as that branch's value.
class Value {
 public:
  /// Returns field NAME of a record; NotFound names the field and the file.
  Result<Value> Field(std::string_view name) const;
  /// Returns field NAME, or nullopt when the record has no such field or it is null.
  std::optional<Value> OptionalField(std::string_view name) const;
  bool IsNull() const;
  /// Reads an int or long.
  Result<int64_t> AsLong() const;
  /// Reads a string or bytes value.
  Result<std::string> AsBytes() const;
  /// Number of items of an array.
  Result<size_t> ArraySize() const;
  Result<Value> ArrayItem(size_t i) const;

 private:
  friend class ContainerReader;
  Value(const ContainerReader* reader, const void* value) : reader_(reader), value_(value) {}
  Status Error(std::string_view what) const;

  const ContainerReader* reader_;
  const void* value_;  // avro_value_t owned by the reader's current record
};

/// Reads an Avro object container file with libavro (any codec libavro knows: null, deflate,
/// snappy). The file's own (writer) schema decodes the records; fields are then looked up by
/// name. The header's metadata map is decoded here too: libavro does not expose it, and
/// Iceberg keeps the table schema and format version there.
class ContainerReader {
 public:
  /// Reads all of PATH into memory (manifests are small) and opens it.
  static Result<std::unique_ptr<ContainerReader>> Open(FileSystem& fs, const std::string& path);
  ~ContainerReader();
  ContainerReader(const ContainerReader&) = delete;
  ContainerReader& operator=(const ContainerReader&) = delete;

  /// Returns the next record, or nullopt at the end of the file.
  Result<std::optional<Value>> Next();
  /// The header's metadata (avro.schema, avro.codec and the writer's own keys).
  const std::map<std::string, std::string>& metadata() const { return metadata_; }
  const std::string& path() const { return path_; }

 private:
  friend class Value;
  struct State;
  explicit ContainerReader(std::string path);
  // Storage for a child value handed out by Value; lives until the next record.
  void* NewSlot();

  std::string path_;
  std::string bytes_;
  std::map<std::string, std::string> metadata_;
  std::unique_ptr<State> state_;
};

}  // namespace stedi::avro
