#pragma once

#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "formats/avro/avro_encoder.h"
#include "status/result.h"
#include "storage/file_system.h"

namespace stedi::avro {

/// Writes an Avro object container file (Avro 1.11 spec, "Object Container Files"): the magic,
/// a header map holding `avro.schema` exactly as given plus the caller's metadata keys, a random
/// sync marker, then blocks of records. Codec "null": manifests are small, and every Avro
/// reader (Java, PyIceberg, DuckDB, libavro) reads uncompressed blocks.
class ContainerWriter {
 public:
  /// Starts the file on OUT. SCHEMA_JSON is written verbatim, so attributes other libraries
  /// drop (Iceberg's field-id, element-id, key-id, value-id) survive. METADATA must not use
  /// the reserved "avro." prefix.
  static Result<std::unique_ptr<ContainerWriter>> Open(
      std::unique_ptr<WritableFile> out, const std::string& schema_json,
      const std::vector<std::pair<std::string, std::string>>& metadata);

  /// The encoder for the next record: encode exactly one record, then call EndRecord().
  Encoder& record() { return block_; }
  /// Counts the record just encoded; writes a block when enough bytes have gathered.
  Status EndRecord();
  /// Writes the last block and publishes the file. Returns its size in bytes.
  Result<uint64_t> Close();

 private:
  ContainerWriter(std::unique_ptr<WritableFile> out, std::string sync)
      : out_(std::move(out)), sync_(std::move(sync)) {}
  Status FlushBlock();

  std::unique_ptr<WritableFile> out_;
  std::string sync_;  // 16 random bytes ending the header and every block
  Encoder block_;
  int64_t records_in_block_ = 0;
};

}  // namespace stedi::avro
