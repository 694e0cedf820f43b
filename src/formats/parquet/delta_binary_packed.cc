#include "formats/parquet/delta_binary_packed.h"

#include <algorithm>
#include <array>
#include <bit>
#include <cstring>
#include <limits>
#include <type_traits>

namespace stedi::parquet {
namespace {

// The layout every reader accepts and most writers use: blocks of 128 values in 4 miniblocks.
constexpr size_t kBlockValues = 128;
constexpr size_t kMiniblocks = 4;
constexpr size_t kMiniblockValues = kBlockValues / kMiniblocks;

void PutVarint(uint64_t v, std::string* out) {
  while (v >= 0x80) {
    out->push_back(static_cast<char>((v & 0x7f) | 0x80));
    v >>= 7;
  }
  out->push_back(static_cast<char>(v));
}

uint64_t ZigZag(int64_t v) {
  return (static_cast<uint64_t>(v) << 1) ^ static_cast<uint64_t>(v >> 63);
}

int64_t UnZigZag(uint64_t v) { return static_cast<int64_t>(v >> 1) ^ -static_cast<int64_t>(v & 1); }

// Appends values of W bits, least significant bit first, as Parquet's bit packing lays them out.
class BitPacker {
 public:
  explicit BitPacker(std::string* out) : out_(out) {}
  void Put(uint64_t v, int w) {
    if (w == 0) return;
    acc_ |= v << bits_;
    if (bits_ + w >= 64) {
      Emit(8);
      const int used = 64 - bits_;  // the bits of V already in the word written
      acc_ = used < 64 ? v >> used : 0;
      bits_ = bits_ + w - 64;
    } else {
      bits_ += w;
    }
  }
  // Writes the bits left (a miniblock of 32 values always ends on a byte boundary).
  void Flush() {
    Emit(static_cast<size_t>((bits_ + 7) / 8));
    acc_ = 0;
    bits_ = 0;
  }

 private:
  void Emit(size_t bytes) {
    char b[8];
    std::memcpy(b, &acc_, 8);  // little-endian host
    out_->append(b, bytes);
  }
  std::string* out_;
  uint64_t acc_ = 0;
  int bits_ = 0;
};

template <typename T>
void Encode(std::span<const T> values, std::string* out) {
  using U = std::make_unsigned_t<T>;
  PutVarint(kBlockValues, out);
  PutVarint(kMiniblocks, out);
  PutVarint(values.size(), out);
  PutVarint(ZigZag(values.empty() ? 0 : values[0]), out);
  std::array<U, kBlockValues> deltas;
  BitPacker packer(out);
  for (size_t start = 1; start < values.size(); start += kBlockValues) {
    const size_t n = std::min(kBlockValues, values.size() - start);
    // Differences in the type's width, wrapping: the reader adds them back the same way.
    T min_delta = std::numeric_limits<T>::max();
    for (size_t i = 0; i < n; ++i) {
      deltas[i] =
          static_cast<U>(static_cast<U>(values[start + i]) - static_cast<U>(values[start + i - 1]));
      min_delta = std::min(min_delta, static_cast<T>(deltas[i]));
    }
    PutVarint(ZigZag(min_delta), out);
    std::array<uint8_t, kMiniblocks> widths{};
    for (size_t m = 0; m < kMiniblocks; ++m) {
      U largest = 0;
      for (size_t i = m * kMiniblockValues; i < std::min(n, (m + 1) * kMiniblockValues); ++i) {
        deltas[i] = static_cast<U>(deltas[i] - static_cast<U>(min_delta));
        largest = std::max(largest, deltas[i]);
      }
      widths[m] = static_cast<uint8_t>(std::bit_width(largest));
    }
    out->append(reinterpret_cast<const char*>(widths.data()), widths.size());
    // Miniblocks past the last value are not written; the last one is padded with zeros.
    for (size_t m = 0; m * kMiniblockValues < n; ++m) {
      for (size_t i = m * kMiniblockValues; i < (m + 1) * kMiniblockValues; ++i) {
        packer.Put(i < n ? static_cast<uint64_t>(deltas[i]) : 0, widths[m]);
      }
      packer.Flush();
    }
  }
}

// Reads the bytes of a ULEB128 varint from DATA at *POS.
bool GetVarint(std::string_view data, size_t* pos, uint64_t* v) {
  *v = 0;
  for (int shift = 0; shift < 64 && *pos < data.size(); shift += 7) {
    const auto byte = static_cast<uint8_t>(data[(*pos)++]);
    *v |= static_cast<uint64_t>(byte & 0x7f) << shift;
    if ((byte & 0x80) == 0) return true;
  }
  return false;
}

template <typename T>
Status Decode(std::string_view data, size_t count, std::vector<T>* out,
              const std::string& context) {
  using U = std::make_unsigned_t<T>;
  auto corrupt = [&](const std::string& what) {
    return Status::Corruption(context + ": DELTA_BINARY_PACKED " + what);
  };
  out->clear();
  size_t pos = 0;
  uint64_t block_values, miniblocks, total, first;
  if (!GetVarint(data, &pos, &block_values) || !GetVarint(data, &pos, &miniblocks) ||
      !GetVarint(data, &pos, &total) || !GetVarint(data, &pos, &first)) {
    return corrupt("header ends early");
  }
  if (block_values == 0 || block_values % 128 != 0 || block_values > (1 << 20) || miniblocks == 0 ||
      block_values % miniblocks != 0 || (block_values / miniblocks) % 32 != 0) {
    return corrupt("header has blocks of " + std::to_string(block_values) + " values in " +
                   std::to_string(miniblocks) + " miniblocks");
  }
  if (total < count) {
    return corrupt("holds " + std::to_string(total) + " values, the page " + std::to_string(count));
  }
  if (count == 0) return Status::OK();
  out->reserve(count);
  U last = static_cast<U>(UnZigZag(first));
  out->push_back(static_cast<T>(last));
  const size_t per_miniblock = block_values / miniblocks;
  std::vector<uint8_t> widths(miniblocks);
  // One miniblock's bytes, copied with zero padding so that each value is one unaligned load.
  std::vector<uint8_t> packed(per_miniblock * sizeof(U) + 16);
  while (out->size() < count) {
    uint64_t zigzag_min;
    if (!GetVarint(data, &pos, &zigzag_min)) return corrupt("block header ends early");
    const U min_delta = static_cast<U>(UnZigZag(zigzag_min));
    if (data.size() - pos < miniblocks) return corrupt("bit widths end early");
    std::memcpy(widths.data(), data.data() + pos, miniblocks);
    pos += miniblocks;
    for (size_t m = 0; m < miniblocks && out->size() < count; ++m) {
      const int w = widths[m];
      if (w > static_cast<int>(sizeof(U) * 8)) {
        return corrupt("bit width " + std::to_string(w) + " for " + std::to_string(sizeof(U) * 8) +
                       "-bit values");
      }
      const size_t bytes = per_miniblock * static_cast<size_t>(w) / 8;
      if (data.size() - pos < bytes) return corrupt("miniblock ends early");
      std::fill(packed.begin(), packed.end(), 0);
      std::memcpy(packed.data(), data.data() + pos, bytes);
      pos += bytes;
      const size_t take = std::min(per_miniblock, count - out->size());
      const uint64_t mask = w == 64 ? ~uint64_t{0} : (uint64_t{1} << w) - 1;
      for (size_t i = 0; i < take; ++i) {
        const size_t bit = i * static_cast<size_t>(w);
        uint64_t word;
        std::memcpy(&word, packed.data() + bit / 8, 8);
        const unsigned shift = bit % 8;
        uint64_t v = word >> shift;
        if (shift + static_cast<unsigned>(w) > 64) {
          v |= static_cast<uint64_t>(packed[bit / 8 + 8]) << (64 - shift);
        }
        last = static_cast<U>(last + min_delta + static_cast<U>(v & mask));
        out->push_back(static_cast<T>(last));
      }
    }
  }
  return Status::OK();
}

}  // namespace

void EncodeDeltaBinaryPacked(std::span<const int32_t> values, std::string* out) {
  Encode(values, out);
}
void EncodeDeltaBinaryPacked(std::span<const int64_t> values, std::string* out) {
  Encode(values, out);
}

Status DecodeDeltaBinaryPacked(std::string_view data, size_t count, std::vector<int32_t>* out,
                               const std::string& context) {
  return Decode(data, count, out, context);
}
Status DecodeDeltaBinaryPacked(std::string_view data, size_t count, std::vector<int64_t>* out,
                               const std::string& context) {
  return Decode(data, count, out, context);
}

}  // namespace stedi::parquet
