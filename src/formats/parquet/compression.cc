#include "formats/parquet/compression.h"

#include <snappy.h>
#include <zlib.h>
#include <zstd.h>

#include <cstring>
#include <memory>

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

// One zstd context per thread, reused: ZSTD_compress and ZSTD_decompress create and free one
// per call, which for pages of a few hundred KiB is a cost of its own.
ZSTD_CCtx* ThreadCompressionContext() {
  thread_local std::unique_ptr<ZSTD_CCtx, size_t (*)(ZSTD_CCtx*)> context(ZSTD_createCCtx(),
                                                                          ZSTD_freeCCtx);
  return context.get();
}

ZSTD_DCtx* ThreadDecompressionContext() {
  thread_local std::unique_ptr<ZSTD_DCtx, size_t (*)(ZSTD_DCtx*)> context(ZSTD_createDCtx(),
                                                                          ZSTD_freeDCtx);
  return context.get();
}

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
      // Into this thread's scratch buffer (grown, never shrunk), then the compressed bytes
      // alone are copied out: sizing the result at the bound would zero-fill more than a page.
      thread_local std::string scratch;
      const size_t bound = ZSTD_compressBound(data.size());
      if (scratch.size() < bound) scratch.resize(bound);
      const size_t n = ZSTD_compressCCtx(ThreadCompressionContext(), scratch.data(), bound,
                                         data.data(), data.size(), zstd_level);
      if (ZSTD_isError(n)) {
        return Status::Internal(std::string("zstd compression failed: ") + ZSTD_getErrorName(n));
      }
      return std::string(scratch.data(), n);
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
  std::string out;
  STEDI_RETURN_NOT_OK(DecompressInto(codec, data, uncompressed_size, context, &out));
  return out;
}

namespace {

// Decompresses DATA into the UNCOMPRESSED_SIZE bytes at OUT.
Status DecompressToBuffer(Codec codec, std::string_view data, size_t uncompressed_size,
                          const std::string& context, char* out) {
  switch (codec) {
    case Codec::kUncompressed:
      if (data.size() != uncompressed_size) {
        return Status::Corruption(context + ": uncompressed page holds " +
                                  std::to_string(data.size()) + " bytes, header says " +
                                  std::to_string(uncompressed_size));
      }
      if (!data.empty()) std::memcpy(out, data.data(), data.size());
      return Status::OK();
    case Codec::kSnappy: {
      size_t n = 0;
      if (!snappy::GetUncompressedLength(data.data(), data.size(), &n) || n != uncompressed_size) {
        return Status::Corruption(context + ": snappy length does not match header size " +
                                  std::to_string(uncompressed_size));
      }
      if (!snappy::RawUncompress(data.data(), data.size(), out)) {
        return Status::Corruption(context + ": malformed snappy data");
      }
      return Status::OK();
    }
    case Codec::kZstd: {
      const size_t n = ZSTD_decompressDCtx(ThreadDecompressionContext(), out, uncompressed_size,
                                           data.data(), data.size());
      if (ZSTD_isError(n) || n != uncompressed_size) {
        return Status::Corruption(
            context + ": zstd data does not decompress to " + std::to_string(uncompressed_size) +
            " bytes" +
            (ZSTD_isError(n) ? std::string(" (") + ZSTD_getErrorName(n) + ")" : std::string()));
      }
      return Status::OK();
    }
    case Codec::kGzip: {
      STEDI_ASSIGN_OR_RETURN(std::string bytes, GzipDecompress(data, uncompressed_size, context));
      if (!bytes.empty()) std::memcpy(out, bytes.data(), bytes.size());
      return Status::OK();
    }
    default:
      break;
  }
  return Status::NotImplemented(context + ": compression codec " +
                                std::to_string(static_cast<int>(codec)));
}

}  // namespace

Status DecompressInto(Codec codec, std::string_view data, size_t uncompressed_size,
                      const std::string& context, std::string* out) {
  out->resize(uncompressed_size);
  return DecompressToBuffer(codec, data, uncompressed_size, context, out->data());
}

Status DecompressInto(Codec codec, std::string_view data, size_t uncompressed_size,
                      const std::string& context, ByteBuffer* out) {
  out->resize(uncompressed_size);  // uninitialised: every byte is written next
  return DecompressToBuffer(codec, data, uncompressed_size, context,
                            reinterpret_cast<char*>(out->data()));
}

}  // namespace stedi::parquet
