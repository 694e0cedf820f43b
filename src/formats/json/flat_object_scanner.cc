#include "formats/json/flat_object_scanner.h"

#include <simdjson.h>

#if defined(__SSE2__)
#include <emmintrin.h>
#endif

#include <array>
#include <bit>
#include <charconv>
#include <cmath>
#include <cstdint>
#include <cstring>

namespace stedi::json {

namespace {

// How a byte inside a string is treated.
enum ByteClass : uint8_t {
  kPlain = 0,     // printable ASCII: part of the string
  kQuote = 1,     // ends the string
  kRefuse = 2,    // a backslash (escape) or a control character: not in the subset
  kNonAscii = 3,  // part of a UTF-8 sequence: the string is validated as a whole
};

constexpr auto kByteClass = [] {
  std::array<uint8_t, 256> t{};
  for (int c = 0; c < 0x20; ++c) t[c] = kRefuse;
  for (int c = 0x80; c < 0x100; ++c) t[c] = kNonAscii;
  t['"'] = kQuote;
  t['\\'] = kRefuse;
  return t;
}();

bool IsSpace(char c) { return c == ' ' || c == '\t' || c == '\r' || c == '\n'; }
bool IsDigit(char c) { return c >= '0' && c <= '9'; }

// Inline: objects written by machines rarely hold whitespace, so this is mostly one test.
inline const char* SkipSpace(const char* p, const char* end) {
  while (p < end && IsSpace(*p)) ++p;
  return p;
}

// Returns the first byte at or after P, before END, that a string cannot simply contain: a
// quote, a backslash, a control character or a non-ASCII byte; END when there is none.
const char* FindStringStop(const char* p, const char* end) {
#if defined(__SSE2__)
  // 16 bytes at a time: as signed bytes, both control characters and non-ASCII bytes are < 0x20.
  const __m128i quote = _mm_set1_epi8('"');
  const __m128i backslash = _mm_set1_epi8('\\');
  const __m128i space = _mm_set1_epi8(0x20);
  for (; end - p >= 16; p += 16) {
    const __m128i v = _mm_loadu_si128(reinterpret_cast<const __m128i*>(p));
    const __m128i stop =
        _mm_or_si128(_mm_or_si128(_mm_cmpeq_epi8(v, quote), _mm_cmpeq_epi8(v, backslash)),
                     _mm_cmplt_epi8(v, space));
    const int mask = _mm_movemask_epi8(stop);
    if (mask != 0) return p + std::countr_zero(static_cast<unsigned>(mask));
  }
#endif
  while (p < end && kByteClass[static_cast<uint8_t>(*p)] == kPlain) ++p;
  return p;
}

// P is just past an opening quote. Returns one past the closing quote, or null when the string
// leaves the subset or TEXT; *CONTENT gets the bytes between the quotes.
[[gnu::always_inline]] inline const char* ScanString(const char* p, const char* end,
                                                     std::string_view* content) {
  const char* begin = p;
  bool non_ascii = false;
  while ((p = FindStringStop(p, end)) < end) {
    const uint8_t cls = kByteClass[static_cast<uint8_t>(*p)];
    if (cls == kQuote) {
      *content = std::string_view(begin, static_cast<size_t>(p - begin));
      if (non_ascii && !simdjson::validate_utf8(begin, content->size())) return nullptr;
      return p + 1;
    }
    if (cls != kNonAscii) return nullptr;
    non_ascii = true;
    ++p;
  }
  return nullptr;
}

// Whether the 8 bytes at P are all ASCII digits; then *VALUE is their decimal value. The bytes
// are read as one little-endian word, the first digit in its lowest byte.
inline bool EightDigits(const char* p, uint64_t* value) {
  uint64_t word;
  std::memcpy(&word, p, 8);
  // A digit is 0x30..0x39: its high nibble is 3, and adding 6 leaves the high nibble at 3.
  const uint64_t high_nibbles = word & 0xF0F0F0F0F0F0F0F0ULL;
  const uint64_t carried = (word + 0x0606060606060606ULL) & 0xF0F0F0F0F0F0F0F0ULL;
  if ((high_nibbles | (carried >> 4)) != 0x3333333333333333ULL) return false;
  uint64_t digits = word - 0x3030303030303030ULL;
  // Pairs, then quadruples, then the eight: each step multiplies the earlier (lower-addressed)
  // half by its power of ten and adds the later one.
  digits = (digits * 10 + (digits >> 8)) & 0x00FF00FF00FF00FFULL;
  digits = (digits * 100 + (digits >> 16)) & 0x0000FFFF0000FFFFULL;
  digits = (digits * 10000 + (digits >> 32)) & 0xFFFFFFFFULL;
  *value = digits;
  return true;
}

// A number as RFC 8259 writes it: -?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)? . Returns one
// past it, or null; fills MEMBER's kind and integer fields. Digit by digit after the first
// eight: on this data (one-digit readings) that measured faster than word-at-a-time runs.
[[gnu::always_inline]] inline const char* ScanNumber(const char* p, const char* end,
                                                     ScannedMember* member) {
  member->negative = p < end && *p == '-';
  if (member->negative) ++p;
  if (p >= end) return nullptr;
  const char* digits = p;
  uint64_t magnitude = 0;
  if (*p == '0') {
    ++p;
  } else if (*p >= '1' && *p <= '9') {
    // Eight digits at a time while there are (timestamps have 13), then one by one.
    uint64_t eight;
    while (end - p >= 8 && EightDigits(p, &eight)) {
      magnitude = magnitude * 100000000 + eight;  // wraps past 19 digits
      p += 8;
    }
    while (p < end && IsDigit(*p)) {
      magnitude = magnitude * 10 + static_cast<uint64_t>(*p - '0');
      ++p;
    }
  } else {
    return nullptr;
  }
  bool integral = p - digits <= 18;
  bool is_float = false;
  if (p < end && *p == '.') {
    ++p;
    if (p >= end || !IsDigit(*p)) return nullptr;
    while (p < end && IsDigit(*p)) {
      integral &= *p == '0';
      ++p;
    }
    is_float = true;
  }
  if (p < end && (*p == 'e' || *p == 'E')) {
    ++p;
    if (p < end && (*p == '+' || *p == '-')) ++p;
    if (p >= end || !IsDigit(*p)) return nullptr;
    while (p < end && IsDigit(*p)) ++p;
    is_float = true;
    integral = false;
  }
  member->kind = is_float ? JsonKind::kFloat : JsonKind::kInteger;
  member->integral = integral;
  member->magnitude = magnitude;
  return p;
}

const char* ScanLiteral(const char* p, const char* end, std::string_view word) {
  if (static_cast<size_t>(end - p) < word.size() || std::memcmp(p, word.data(), word.size()) != 0) {
    return nullptr;
  }
  return p + word.size();
}

// Whether the PREFIX.size() bytes at P are PREFIX's. Prefixes are short (a key and four
// bytes): two overlapping loads each side instead of a call to memcmp.
inline bool SameBytes(const char* p, const std::string& prefix) {
  const size_t n = prefix.size();
  const char* q = prefix.data();
#if defined(__SSE2__)
  if (n >= 16 && n <= 32) {
    const auto load = [](const char* at) {
      return _mm_loadu_si128(reinterpret_cast<const __m128i*>(at));
    };
    const __m128i same = _mm_and_si128(_mm_cmpeq_epi8(load(p), load(q)),
                                       _mm_cmpeq_epi8(load(p + n - 16), load(q + n - 16)));
    return _mm_movemask_epi8(same) == 0xFFFF;
  }
#endif
  if (n >= 8 && n <= 16) {
    uint64_t a, b, c, d;
    std::memcpy(&a, p, 8);
    std::memcpy(&b, q, 8);
    std::memcpy(&c, p + n - 8, 8);
    std::memcpy(&d, q + n - 8, 8);
    return ((a ^ b) | (c ^ d)) == 0;
  }
  if (n >= 4 && n < 8) {
    uint32_t a, b, c, d;
    std::memcpy(&a, p, 4);
    std::memcpy(&b, q, 4);
    std::memcpy(&c, p + n - 4, 4);
    std::memcpy(&d, q + n - 4, 4);
    return ((a ^ b) | (c ^ d)) == 0;
  }
  return std::memcmp(p, q, n) == 0;
}

}  // namespace

void RowShape::Assign(const std::vector<std::string_view>& keys,
                      const std::vector<JsonKind>& kinds) {
  prefixes_.resize(keys.size());
  for (size_t i = 0; i < keys.size(); ++i) {
    std::string& prefix = prefixes_[i];
    prefix.assign(i == 0 ? "{\"" : ",\"");
    prefix.append(keys[i]);
    prefix.append("\":");
  }
  kinds_ = kinds;
}

size_t FlatObjectScanner::ScanShapedPrefix(std::string_view text, const RowShape& shape) {
  const size_t n = shape.size();
  members_.resize(n);
  const char* p = text.data();
  const char* const end = p + text.size();
  if (n == 0) return 0;
  for (size_t i = 0; i < n; ++i) {
    const std::string& prefix = shape.prefixes_[i];
    if (static_cast<size_t>(end - p) < prefix.size() || !SameBytes(p, prefix)) return 0;
    ScannedMember& member = members_[i];
    // The key's bytes in TEXT, as Scan gives them.
    member.key = std::string_view(p + 2, prefix.size() - 4);
    p += prefix.size();
    const char* value = p;
    const JsonKind kind = shape.kinds_[i];
    member.kind = kind;
    switch (kind) {
      case JsonKind::kString:
        p = *p == '"' ? ScanString(p + 1, end, &member.text) : nullptr;
        break;
      case JsonKind::kInteger:
      case JsonKind::kFloat:
        p = ScanNumber(p, end, &member);
        if (p != nullptr && member.kind != kind) return 0;
        break;
      case JsonKind::kBoolean:
        p = *p == 't' ? ScanLiteral(p, end, "true") : ScanLiteral(p, end, "false");
        break;
      case JsonKind::kNull:
        p = ScanLiteral(p, end, "null");
        break;
      default:
        return 0;
    }
    if (p == nullptr) return 0;
    if (kind != JsonKind::kString) {
      member.text = std::string_view(value, static_cast<size_t>(p - value));
    }
  }
  return p < end && *p == '}' ? static_cast<size_t>(p + 1 - text.data()) : 0;
}

FlatObjectScanner::TakenRows FlatObjectScanner::TakeShapedRows(
    std::string_view text, const RowShape& shape, std::span<StagedColumn* const> outs,
    size_t max_rows, size_t max_object_bytes, bool at_eof) {
  TakenRows taken;
  const size_t n = shape.size();
  if (n == 0 || outs.size() != n) return taken;
  for (JsonKind kind : shape.kinds_) {
    if (kind != JsonKind::kString && kind != JsonKind::kInteger && kind != JsonKind::kFloat) {
      return taken;
    }
  }
  const char* const begin = text.data();
  const char* const end = begin + text.size();
  const char* p = begin;
  while (taken.rows < max_rows) {
    const char* const row = p;
    size_t i = 0;
    for (; i < n; ++i) {
      const std::string& prefix = shape.prefixes_[i];
      if (static_cast<size_t>(end - p) < prefix.size() || !SameBytes(p, prefix)) break;
      p += prefix.size();
      if (p == end) break;
      StagedColumn& out = *outs[i];
      const JsonKind kind = shape.kinds_[i];
      if (kind == JsonKind::kString) {
        std::string_view content;
        if (*p != '"' || (p = ScanString(p + 1, end, &content)) == nullptr) break;
        if (static_cast<size_t>(end - content.data()) >= StagedColumn::kBlockBytes) {
          out.AppendStringInBlock(content);
        } else {
          out.AppendString(content);
        }
        continue;
      }
      ScannedMember number;
      const char* after = ScanNumber(p, end, &number);
      if (after == nullptr || number.kind != kind) break;
      if (kind == JsonKind::kInteger) {
        // Past 18 digits the caller's conversion decides (it may still fit int64).
        if (!number.integral) break;
        const auto v = static_cast<int64_t>(number.magnitude);
        out.AppendInt64(number.negative ? -v : v);
      } else if (number.integral) {
        // Exact: at most 18 digits convert to the double nearest them, as parsing would.
        const auto d = static_cast<double>(number.magnitude);
        out.AppendDouble(number.negative ? -d : d);
      } else {
        double d;
        const auto [stop, error] = std::from_chars(p, after, d);
        if (error != std::errc() || stop != after || !std::isfinite(d)) break;
        out.AppendDouble(d);
      }
      p = after;
    }
    bool whole = i == n && p < end && *p == '}';
    const char* object_end = p + 1;
    if (whole) {
      p = object_end;
      while (p < end && IsSpace(*p) && *p != '\n') ++p;
      whole = (p < end ? *p == '\n' : at_eof) &&
              static_cast<size_t>(object_end - row) <= max_object_bytes;
    }
    if (!whole) {
      // The members this row gave its columns are taken back: the line is left as it was.
      for (size_t j = 0; j < i; ++j) outs[j]->PopLast();
      break;
    }
    ++taken.rows;
    taken.bytes = static_cast<size_t>(object_end - begin);
    while (p < end && IsSpace(*p)) ++p;  // the newline, and any blank lines after it
  }
  return taken;
}

bool FlatObjectScanner::Scan(std::string_view text) {
  members_.clear();
  const char* p = text.data();
  const char* const end = p + text.size();
  if (text.size() < 2 || *p != '{' || end[-1] != '}') return false;
  p = SkipSpace(p + 1, end);
  if (p == end - 1) return true;  // {}
  while (true) {
    // Filled in place: a member built on the stack and then copied costs a store-forwarding
    // stall per member (its fields are stored one by one, then loaded 16 bytes at a time).
    ScannedMember& member = members_.emplace_back();
    if (p >= end || *p != '"') return false;
    if ((p = ScanString(p + 1, end, &member.key)) == nullptr) return false;
    p = SkipSpace(p, end);
    if (p >= end || *p != ':') return false;
    p = SkipSpace(p + 1, end);
    if (p >= end) return false;
    const char* value = p;
    switch (*p) {
      case '"':
        member.kind = JsonKind::kString;
        p = ScanString(p + 1, end, &member.text);
        break;
      case 't':
        member.kind = JsonKind::kBoolean;
        p = ScanLiteral(p, end, "true");
        break;
      case 'f':
        member.kind = JsonKind::kBoolean;
        p = ScanLiteral(p, end, "false");
        break;
      case 'n':
        member.kind = JsonKind::kNull;
        p = ScanLiteral(p, end, "null");
        break;
      default:
        p = ScanNumber(p, end, &member);
        break;
    }
    if (p == nullptr) return false;
    if (member.kind != JsonKind::kString) {
      member.text = std::string_view(value, static_cast<size_t>(p - value));
    }
    p = SkipSpace(p, end);
    if (p >= end) return false;
    if (*p == '}') return p == end - 1;
    if (*p != ',') return false;
    p = SkipSpace(p + 1, end);
  }
}

}  // namespace stedi::json
