#include "formats/parquet/value_dictionary.h"

namespace stedi::parquet {

uint64_t HashBytes(std::string_view s) {
  // Folds eight bytes at a time with a multiply, then finishes with MixHash so short keys
  // (emails, UUIDs) still spread over the low bits. The length is mixed in so that trailing
  // zero bytes change the hash.
  constexpr uint64_t kMul = 0x9e3779b97f4a7c15ULL;
  uint64_t h = s.size() * kMul;
  const char* p = s.data();
  size_t n = s.size();
  while (n >= 8) {
    uint64_t w;
    std::memcpy(&w, p, 8);
    h = (h ^ w) * kMul;
    h ^= h >> 29;
    p += 8;
    n -= 8;
  }
  if (n > 0) {
    uint64_t w = 0;
    std::memcpy(&w, p, n);
    h = (h ^ w) * kMul;
    h ^= h >> 29;
  }
  return MixHash(h);
}

}  // namespace stedi::parquet
