#include "sql/execution/sorted_row_order.h"

#include <algorithm>
#include <array>
#include <cmath>
#include <cstring>
#include <limits>

namespace stedi::sql {
namespace {

constexpr uint64_t kSign = uint64_t{1} << 63;

// Maps a fixed-width value to an unsigned integer with the same order (NaN last, -0 == 0).
inline uint64_t OrderedBits(const Column& c, size_t row) {
  switch (c.type()) {
    case TypeId::kBoolean:
      return c.values()[row];
    case TypeId::kInt32:
    case TypeId::kDate:
      return static_cast<uint64_t>(static_cast<int64_t>(c.GetInt32(row))) ^ kSign;
    case TypeId::kFloat64: {
      double v = c.GetDouble(row);
      if (v == 0.0) v = 0.0;
      if (std::isnan(v)) v = std::numeric_limits<double>::quiet_NaN();
      uint64_t bits;
      std::memcpy(&bits, &v, 8);
      return (bits & kSign) ? ~bits : bits | kSign;
    }
    default:
      return static_cast<uint64_t>(c.GetInt64(row)) ^ kSign;
  }
}

// The first bytes of a string, big-endian, so that integer order is byte order. Strings of up
// to 7 bytes also carry their length in the last byte, which makes the word exact.
inline uint64_t StringPrefix(std::string_view s, bool with_length) {
  uint64_t w = 0;
  const size_t n = std::min<size_t>(s.size(), with_length ? 7 : 8);
  for (size_t i = 0; i < n; ++i) w |= uint64_t{static_cast<uint8_t>(s[i])} << (56 - 8 * i);
  if (with_length) w |= s.size();
  return w;
}

// Keys turned into words that compare as unsigned integers (normalised keys). EXACT when equal
// words mean equal keys; otherwise ties fall back to the full comparison.
struct NormalizedKeys {
  size_t width = 0;
  bool exact = true;
  std::vector<uint64_t> words;  // row-major, WIDTH per row
};

constexpr size_t kMaxWords = 4;

NormalizedKeys Normalize(const std::vector<const Column*>& columns,
                         const std::vector<SortKey>& keys, size_t rows) {
  NormalizedKeys out;
  // Plan the words first: a flag word for nullable keys, then one value word.
  struct Part {
    const Column* column;
    const SortKey* key;
    bool flag;
    bool string_exact;
  };
  std::vector<Part> parts;
  for (size_t k = 0; k < columns.size(); ++k) {
    const Column& c = *columns[k];
    const bool flag = c.null_count() > 0;
    const size_t need = (flag ? 1 : 0) + 1;
    if (out.width + need > kMaxWords) {
      out.exact = false;
      break;
    }
    bool string_exact = false;
    if (IsVariableWidth(c.type())) {
      string_exact = true;
      for (size_t r = 0; r < rows && string_exact; ++r) string_exact = c.GetString(r).size() <= 7;
    }
    parts.push_back(Part{&c, &keys[k], flag, string_exact});
    out.width += need;
    if (IsVariableWidth(c.type()) && !string_exact) {
      out.exact = false;  // a prefix only: later keys cannot be words
      break;
    }
  }
  if (parts.size() < columns.size()) out.exact = false;
  out.words.assign(rows * out.width, 0);
  size_t at = 0;
  for (const Part& p : parts) {
    const Column& c = *p.column;
    const uint64_t flip = p.key->descending ? ~uint64_t{0} : 0;
    uint64_t* w = out.words.data();
    const size_t W = out.width;
    if (p.flag) {
      const uint64_t null_word = p.key->nulls_first ? 0 : 1;
      for (size_t r = 0; r < rows; ++r) w[r * W + at] = c.IsNull(r) ? null_word : 1 - null_word;
      ++at;
    }
    const bool nullable = c.null_count() > 0;
    if (IsVariableWidth(c.type())) {
      for (size_t r = 0; r < rows; ++r) {
        if (nullable && c.IsNull(r)) continue;
        w[r * W + at] = StringPrefix(c.GetString(r), p.string_exact) ^ flip;
      }
    } else {
      for (size_t r = 0; r < rows; ++r) {
        if (nullable && c.IsNull(r)) continue;
        w[r * W + at] = OrderedBits(c, r) ^ flip;
      }
    }
    ++at;
  }
  return out;
}

template <size_t W>
struct Entry {
  std::array<uint64_t, W> words;
  uint32_t row;
};

// LSD radix sort on the words (least significant byte of the last word first). Stable, so rows
// with equal words stay in position order. Passes whose byte is the same in every entry are
// skipped, which makes narrow value ranges cheap.
template <size_t W>
void RadixSort(std::vector<Entry<W>>* entries) {
  const size_t n = entries->size();
  constexpr size_t kPasses = W * 8;
  std::vector<std::array<uint32_t, 256>> counts(kPasses);
  for (auto& c : counts) c.fill(0);
  for (const Entry<W>& e : *entries) {
    for (size_t p = 0; p < kPasses; ++p) {
      const size_t word = W - 1 - p / 8;
      ++counts[p][(e.words[word] >> (8 * (p % 8))) & 0xff];
    }
  }
  std::vector<Entry<W>> scratch(n);
  for (size_t p = 0; p < kPasses; ++p) {
    const size_t word = W - 1 - p / 8;
    const int shift = static_cast<int>(8 * (p % 8));
    std::array<uint32_t, 256>& c = counts[p];
    if (c[((*entries)[0].words[word] >> shift) & 0xff] == n) continue;  // one bucket: no-op
    uint32_t sum = 0;
    for (uint32_t& x : c) {
      const uint32_t here = x;
      x = sum;
      sum += here;
    }
    for (const Entry<W>& e : *entries) scratch[c[(e.words[word] >> shift) & 0xff]++] = e;
    entries->swap(scratch);
  }
}

template <size_t W>
std::vector<uint32_t> SortEntries(const NormalizedKeys& nk,
                                  const std::vector<const Column*>& columns,
                                  const std::vector<SortKey>& keys, size_t rows, size_t want) {
  std::vector<Entry<W>> entries(rows);
  for (size_t r = 0; r < rows; ++r) {
    std::memcpy(entries[r].words.data(), nk.words.data() + r * W, W * 8);
    entries[r].row = static_cast<uint32_t>(r);
  }
  const bool exact = nk.exact;
  // The row position breaks ties, which makes the unstable algorithms stable.
  auto less = [&](const Entry<W>& a, const Entry<W>& b) {
    for (size_t i = 0; i < W; ++i) {
      if (a.words[i] != b.words[i]) return a.words[i] < b.words[i];
    }
    if (!exact) {
      const int c = CompareKeyRows(columns, a.row, columns, b.row, keys);
      if (c != 0) return c < 0;
    }
    return a.row < b.row;
  };
  constexpr size_t kRadixMinRows = 1024;  // below this, comparison sorting is as fast
  if (want < rows) {
    std::partial_sort(entries.begin(), entries.begin() + want, entries.end(), less);
  } else if (rows >= kRadixMinRows) {
    RadixSort(&entries);
    if (!exact) {
      // Equal words need the full comparison: sort each run of them.
      auto same_words = [](const Entry<W>& a, const Entry<W>& b) { return a.words == b.words; };
      for (size_t begin = 0; begin < rows;) {
        size_t end = begin + 1;
        while (end < rows && same_words(entries[begin], entries[end])) ++end;
        if (end - begin > 1) std::sort(entries.begin() + begin, entries.begin() + end, less);
        begin = end;
      }
    }
  } else {
    std::sort(entries.begin(), entries.end(), less);
  }
  std::vector<uint32_t> order(want);
  for (size_t i = 0; i < want; ++i) order[i] = entries[i].row;
  return order;
}

}  // namespace

std::vector<uint32_t> SortedRowOrder(const std::vector<const Column*>& columns,
                                     const std::vector<SortKey>& keys, size_t rows,
                                     std::optional<size_t> limit) {
  const size_t want = std::min(rows, limit.value_or(rows));
  const NormalizedKeys nk = Normalize(columns, keys, rows);
  switch (nk.width) {
    case 1:
      return SortEntries<1>(nk, columns, keys, rows, want);
    case 2:
      return SortEntries<2>(nk, columns, keys, rows, want);
    case 3:
      return SortEntries<3>(nk, columns, keys, rows, want);
    case 4:
      return SortEntries<4>(nk, columns, keys, rows, want);
    default:
      break;
  }
  // No key at all: the input order.
  std::vector<uint32_t> order(rows);
  for (size_t r = 0; r < rows; ++r) order[r] = static_cast<uint32_t>(r);
  if (columns.empty()) {
    order.resize(want);
    return order;
  }
  auto less = [&](uint32_t a, uint32_t b) {
    const int c = CompareKeyRows(columns, a, columns, b, keys);
    return c < 0 || (c == 0 && a < b);
  };
  if (want < rows) {
    std::partial_sort(order.begin(), order.begin() + want, order.end(), less);
    order.resize(want);
  } else {
    std::sort(order.begin(), order.end(), less);
  }
  return order;
}

}  // namespace stedi::sql
