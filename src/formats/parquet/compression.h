#pragma once

#include <string>
#include <string_view>

#include "columnar/byte_buffer.h"
#include "formats/parquet/metadata.h"
#include "status/result.h"

namespace stedi::parquet {

/// Compression codecs the writer offers.
enum class Compression { kNone, kSnappy, kZstd, kGzip };

/// Returns the Parquet codec id written for COMPRESSION.
Codec CodecFor(Compression compression);

/// Returns DATA compressed with CODEC (zstd at ZSTD_LEVEL).
Result<std::string> Compress(Codec codec, std::string_view data, int zstd_level);

/// Returns DATA decompressed with CODEC; the result must be exactly UNCOMPRESSED_SIZE bytes.
/// Malformed input gives Corruption prefixed by CONTEXT; unknown codecs NotImplemented.
Result<std::string> Decompress(Codec codec, std::string_view data, size_t uncompressed_size,
                               const std::string& context);

/// As Decompress, into *OUT (resized to UNCOMPRESSED_SIZE): a reader that keeps one buffer for
/// its pages reuses its memory instead of allocating and zero-filling a page's worth each time.
Status DecompressInto(Codec codec, std::string_view data, size_t uncompressed_size,
                      const std::string& context, std::string* out);
/// As above, into a ByteBuffer, which grows without zero-filling first.
Status DecompressInto(Codec codec, std::string_view data, size_t uncompressed_size,
                      const std::string& context, ByteBuffer* out);

}  // namespace stedi::parquet
