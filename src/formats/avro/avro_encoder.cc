#include "formats/avro/avro_encoder.h"

#include <cstring>

namespace stedi::avro {

void Encoder::Long(int64_t v) {
  uint64_t n = (static_cast<uint64_t>(v) << 1) ^ static_cast<uint64_t>(v >> 63);
  while (n >= 0x80) {
    buffer_.push_back(static_cast<char>((n & 0x7f) | 0x80));
    n >>= 7;
  }
  buffer_.push_back(static_cast<char>(n));
}

void Encoder::Double(double v) {
  // Avro doubles are IEEE 754 little-endian, which is this machine's order.
  char bytes[sizeof(double)];
  std::memcpy(bytes, &v, sizeof(v));
  buffer_.append(bytes, sizeof(bytes));
}

void Encoder::Float(float v) {
  char bytes[sizeof(float)];
  std::memcpy(bytes, &v, sizeof(v));
  buffer_.append(bytes, sizeof(bytes));
}

void Encoder::Bytes(std::string_view v) {
  Long(static_cast<int64_t>(v.size()));
  buffer_.append(v);
}

}  // namespace stedi::avro
