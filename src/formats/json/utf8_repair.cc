#include "formats/json/utf8_repair.h"

#include <cstdint>

namespace stedi::json {
namespace {

constexpr std::string_view kReplacement = "\xEF\xBF\xBD";

// Returns the length of the well-formed sequence at P (1 to 4), or 0 when it is ill-formed;
// in that case *SUBPART is the length of its maximal subpart (at least 1).
size_t WellFormedLength(const uint8_t* p, size_t avail, size_t* subpart) {
  const uint8_t b0 = p[0];
  *subpart = 1;
  if (b0 < 0x80) return 1;
  size_t need;
  uint8_t lo = 0x80, hi = 0xBF;  // range allowed for the second byte
  if (b0 >= 0xC2 && b0 <= 0xDF) {
    need = 2;
  } else if (b0 >= 0xE0 && b0 <= 0xEF) {
    need = 3;
    if (b0 == 0xE0) lo = 0xA0;
    if (b0 == 0xED) hi = 0x9F;
  } else if (b0 >= 0xF0 && b0 <= 0xF4) {
    need = 4;
    if (b0 == 0xF0) lo = 0x90;
    if (b0 == 0xF4) hi = 0x8F;
  } else {
    return 0;
  }
  for (size_t i = 1; i < need; ++i) {
    if (i >= avail) return 0;
    const uint8_t b = p[i];
    const bool ok = (i == 1) ? (b >= lo && b <= hi) : (b >= 0x80 && b <= 0xBF);
    if (!ok) return 0;
    *subpart = i + 1;
  }
  return need;
}

}  // namespace

size_t AppendRepairedUtf8(std::string_view text, std::string* out) {
  const auto* p = reinterpret_cast<const uint8_t*>(text.data());
  const size_t n = text.size();
  size_t replaced = 0;
  size_t i = 0;
  size_t run_start = 0;  // start of the pending well-formed run, copied in one append
  while (i < n) {
    if (p[i] < 0x80) {
      ++i;
      continue;
    }
    size_t subpart;
    size_t len = WellFormedLength(p + i, n - i, &subpart);
    if (len > 0) {
      i += len;
      continue;
    }
    out->append(text.data() + run_start, i - run_start);
    out->append(kReplacement);
    ++replaced;
    i += subpart;
    run_start = i;
  }
  out->append(text.data() + run_start, n - run_start);
  return replaced;
}

}  // namespace stedi::json
