#pragma once

#include <cstddef>
#include <memory>

#include "status/result.h"
#include "storage/file_system.h"

namespace stedi::json {

/// Reads the content of a landing file from start to end, decompressed when it is gzip.
class ByteStream {
 public:
  virtual ~ByteStream() = default;
  /// Fills OUT with up to N next bytes; returns how many, fewer than N only at the end.
  virtual Result<size_t> Read(char* out, size_t n) = 0;
  /// Returns whether the file is gzip-compressed.
  virtual bool gzip() const = 0;
};

/// Opens FILE for reading from its start. A file beginning with the gzip magic bytes 1f 8b is
/// decompressed (all concatenated members; zero bytes after the last member are ignored). Errors
/// name FILE's path; corrupt gzip data is a Corruption error with the compressed offset.
Result<std::unique_ptr<ByteStream>> OpenByteStream(const RandomAccessFile& file);

}  // namespace stedi::json
