#include "formats/parquet/rle_hybrid.h"

#include <algorithm>
#include <cstring>

namespace stedi::parquet {
namespace {

void AppendVarint(uint64_t v, std::string* out) {
  while (v >= 0x80) {
    out->push_back(static_cast<char>((v & 0x7F) | 0x80));
    v >>= 7;
  }
  out->push_back(static_cast<char>(v));
}

// Largest literal run we emit: 63 groups keeps the run header in one byte.
constexpr size_t kMaxLiteralGroups = 63;

void AppendBitPacked(const uint32_t* values, size_t n, size_t groups, int bit_width,
                     std::string* out) {
  AppendVarint((groups << 1) | 1, out);
  const size_t total_bits = groups * 8 * static_cast<size_t>(bit_width);
  const size_t start = out->size();
  out->resize(start + total_bits / 8, '\0');
  char* dst = out->data() + start;
  // Values go into a 64-bit accumulator, least significant bits first, and leave it a byte at
  // a time; bit_width <= 32 keeps at most 39 bits pending.
  const uint64_t mask = (uint64_t{1} << bit_width) - 1;
  uint64_t acc = 0;
  int pending = 0;
  for (size_t i = 0; i < groups * 8; ++i) {
    const uint64_t v = i < n ? values[i] & mask : 0;
    acc |= v << pending;
    pending += bit_width;
    while (pending >= 8) {
      *dst++ = static_cast<char>(acc & 0xFF);
      acc >>= 8;
      pending -= 8;
    }
  }
}

}  // namespace

int BitWidth(uint64_t max_value) {
  int w = 0;
  while (max_value != 0) {
    ++w;
    max_value >>= 1;
  }
  return w;
}

void EncodeRepeatedValue(uint32_t value, size_t count, int bit_width, std::string* out) {
  if (count < 8) {
    EncodeRleHybrid(std::vector<uint32_t>(count, value), bit_width, out);
    return;
  }
  AppendVarint(uint64_t{count} << 1, out);
  for (size_t b = 0; b < (static_cast<size_t>(bit_width) + 7) / 8; ++b) {
    out->push_back(static_cast<char>((value >> (8 * b)) & 0xFF));
  }
}

void EncodeRleHybrid(const std::vector<uint32_t>& values, int bit_width, std::string* out) {
  const size_t n = values.size();
  const size_t value_bytes = (static_cast<size_t>(bit_width) + 7) / 8;
  auto run_at = [&](size_t i) {
    size_t j = i + 1;
    while (j < n && values[j] == values[i]) ++j;
    return j - i;
  };
  size_t i = 0;
  while (i < n) {
    const size_t run = run_at(i);
    if (run >= 8) {
      AppendVarint(run << 1, out);
      for (size_t b = 0; b < value_bytes; ++b) {
        out->push_back(static_cast<char>((values[i] >> (8 * b)) & 0xFF));
      }
      i += run;
      continue;
    }
    // Literal groups of 8 until a long run starts at a group boundary.
    size_t groups = 0;
    size_t k = i;
    while (k < n && groups < kMaxLiteralGroups) {
      if (k > i && run_at(k) >= 8) break;
      ++groups;
      k += 8;
    }
    const size_t end = std::min(k, n);
    AppendBitPacked(values.data() + i, end - i, groups, bit_width, out);
    i = end;
  }
}

Status DecodeRleHybrid(std::string_view data, int bit_width, size_t count,
                       std::vector<uint32_t>* out, const std::string& context) {
  out->clear();
  if (bit_width < 0 || bit_width > 32) {
    return Status::Corruption(context + ": bit width " + std::to_string(bit_width));
  }
  out->reserve(std::min<size_t>(count, data.size() * 8 + 1024));
  const size_t value_bytes = (static_cast<size_t>(bit_width) + 7) / 8;
  size_t pos = 0;
  while (out->size() < count) {
    uint64_t header = 0;
    int shift = 0;
    while (true) {
      if (pos >= data.size()) {
        return Status::Corruption(context + ": RLE data ends after " + std::to_string(out->size()) +
                                  " of " + std::to_string(count) + " values");
      }
      const uint8_t b = static_cast<uint8_t>(data[pos++]);
      if (shift > 56) return Status::Corruption(context + ": RLE run header too long");
      header |= static_cast<uint64_t>(b & 0x7F) << shift;
      shift += 7;
      if ((b & 0x80) == 0) break;
    }
    const size_t left = count - out->size();
    if (header & 1) {
      const uint64_t groups = header >> 1;
      if (groups == 0) return Status::Corruption(context + ": empty bit-packed run");
      // Writers may end the last run early; use the bytes that are there.
      const uint64_t want_bytes = groups * static_cast<uint64_t>(bit_width);
      const size_t avail = data.size() - pos;
      const size_t bytes = static_cast<size_t>(std::min<uint64_t>(want_bytes, avail));
      const uint64_t values_in_run =
          bit_width == 0 ? groups * 8 : std::min<uint64_t>(groups * 8, bytes * 8 / bit_width);
      const size_t take = static_cast<size_t>(std::min<uint64_t>(values_in_run, left));
      if (take == 0 && left > 0) {
        return Status::Corruption(context + ": bit-packed run has no bytes");
      }
      const uint8_t* src = reinterpret_cast<const uint8_t*>(data.data() + pos);
      // A value spans at most 39 bits from its first byte (7 bits of offset plus 32), so one
      // 64-bit little-endian load holds it; the run's last bytes are loaded one by one.
      const uint64_t mask = (uint64_t{1} << bit_width) - 1;
      const size_t at = out->size();
      out->resize(at + take);
      uint32_t* dst = out->data() + at;
      for (size_t v = 0; v < take; ++v) {
        const size_t bit = v * static_cast<size_t>(bit_width);
        const size_t byte = bit / 8;
        uint64_t word = 0;
        if (byte + 8 <= bytes) {
          std::memcpy(&word, src + byte, 8);
        } else if (byte < bytes) {
          std::memcpy(&word, src + byte, bytes - byte);
        }
        dst[v] = static_cast<uint32_t>((word >> (bit % 8)) & mask);
      }
      pos += bytes;
    } else {
      const uint64_t run = header >> 1;
      if (value_bytes > data.size() - pos) {
        return Status::Corruption(context + ": RLE run value ends early");
      }
      uint64_t value = 0;
      for (size_t b = 0; b < value_bytes; ++b) {
        value |= static_cast<uint64_t>(static_cast<uint8_t>(data[pos + b])) << (8 * b);
      }
      pos += value_bytes;
      if (bit_width < 32 && (value >> bit_width) != 0) {
        return Status::Corruption(context + ": RLE value " + std::to_string(value) +
                                  " wider than " + std::to_string(bit_width) + " bits");
      }
      const size_t take = static_cast<size_t>(std::min<uint64_t>(run, left));
      if (run == 0) return Status::Corruption(context + ": empty RLE run");
      out->insert(out->end(), take, static_cast<uint32_t>(value));
    }
  }
  return Status::OK();
}

}  // namespace stedi::parquet
