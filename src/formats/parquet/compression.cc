#include "formats/parquet/compression.h"

#include <snappy.h>
#include <zlib.h>
#include <zstd.h>

namespace stedi::parquet {

Codec CodecFor(Compression compression) {
  switch (compression) {
    case Compression::kNone:
      return Codec::kUncompressed;
    case Compression::kSnappy:
      return Codec::kSnappy;
    case Compression::kZstd:
      return Codec::kZstd;
    case Compression::kGzip:
      return Codec::kGzip;
  }
  return Codec::kUncompressed;
}

namespace {

Result<std::string> GzipCompress(std::string_view data) {
  z_stream zs{};
  // windowBits 15 + 16 asks zlib for a gzip wrapper, which is what Parquet's GZIP means.
  if (deflateInit2(&zs, Z_DEFAULT_COMPRESSION, Z_DEFLATED, 15 + 16, 8, Z_DEFAULT_STRATEGY) !=
      Z_OK) {
    return Status::Internal("deflateInit2 failed");
  }
  std::string out(deflateBound(&zs, data.size()) + 32, '\0');
  zs.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(data.data()));
  zs.avail_in = static_cast<uInt>(data.size());
  zs.next_out = reinterpret_cast<Bytef*>(out.data());
  zs.avail_out = static_cast<uInt>(out.size());
  const int rc = deflate(&zs, Z_FINISH);
  const size_t produced = zs.total_out;
  deflateEnd(&zs);
  if (rc != Z_STREAM_END) return Status::Internal("gzip compression failed: " + std::to_string(rc));
  out.resize(produced);
  return out;
}

Result<std::string> GzipDecompress(std::string_view data, size_t size, const std::string& ctx) {
  std::string out(size, '\0');
  z_stream zs{};
  // 15 + 32: accept both gzip and zlib headers.
  if (inflateInit2(&zs, 15 + 32) != Z_OK) return Status::Internal("inflateInit2 failed");
  zs.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(data.data()));
  zs.avail_in = static_cast<uInt>(data.size());
  zs.next_out = reinterpret_cast<Bytef*>(out.data());
  zs.avail_out = static_cast<uInt>(out.size());
  int rc = inflate(&zs, Z_FINISH);
  const size_t produced = zs.total_out;
  inflateEnd(&zs);
  if (rc != Z_STREAM_END || produced != size) {
    return Status::Corruption(ctx + ": gzip data does not inflate to " + std::to_string(size) +
                              " bytes (zlib code " + std::to_string(rc) + ")");
  }
  return out;
}

}  // namespace

Result<std::string> Compress(Codec codec, std::string_view data, int zstd_level) {
  switch (codec) {
    case Codec::kUncompressed:
      return std::string(data);
    case Codec::kSnappy: {
      std::string out;
      snappy::Compress(data.data(), data.size(), &out);
      return out;
    }
    case Codec::kZstd: {
      std::string out(ZSTD_compressBound(data.size()), '\0');
      const size_t n = ZSTD_compress(out.data(), out.size(), data.data(), data.size(), zstd_level);
      if (ZSTD_isError(n)) {
        return Status::Internal(std::string("zstd compression failed: ") + ZSTD_getErrorName(n));
      }
      out.resize(n);
      return out;
    }
    case Codec::kGzip:
      return GzipCompress(data);
    default:
      break;
  }
  return Status::NotImplemented("compression codec " + std::to_string(static_cast<int>(codec)));
}

Result<std::string> Decompress(Codec codec, std::string_view data, size_t uncompressed_size,
                               const std::string& context) {
  switch (codec) {
    case Codec::kUncompressed:
      if (data.size() != uncompressed_size) {
        return Status::Corruption(context + ": uncompressed page holds " +
                                  std::to_string(data.size()) + " bytes, header says " +
                                  std::to_string(uncompressed_size));
      }
      return std::string(data);
    case Codec::kSnappy: {
      size_t n = 0;
      if (!snappy::GetUncompressedLength(data.data(), data.size(), &n) || n != uncompressed_size) {
        return Status::Corruption(context + ": snappy length does not match header size " +
                                  std::to_string(uncompressed_size));
      }
      std::string out(n, '\0');
      if (!snappy::RawUncompress(data.data(), data.size(), out.data())) {
        return Status::Corruption(context + ": malformed snappy data");
      }
      return out;
    }
    case Codec::kZstd: {
      std::string out(uncompressed_size, '\0');
      const size_t n = ZSTD_decompress(out.data(), out.size(), data.data(), data.size());
      if (ZSTD_isError(n) || n != uncompressed_size) {
        return Status::Corruption(
            context + ": zstd data does not decompress to " + std::to_string(uncompressed_size) +
            " bytes" +
            (ZSTD_isError(n) ? std::string(" (") + ZSTD_getErrorName(n) + ")" : std::string()));
      }
      return out;
    }
    case Codec::kGzip:
      return GzipDecompress(data, uncompressed_size, context);
    default:
      break;
  }
  return Status::NotImplemented(context + ": compression codec " +
                                std::to_string(static_cast<int>(codec)));
}

}  // namespace stedi::parquet
