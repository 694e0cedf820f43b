#include "sql/execution/key_hashing.h"

#include <cmath>
#include <cstring>
#include <limits>
#include <string_view>
#include <type_traits>

namespace stedi::sql {

namespace {

constexpr uint64_t kMulA = 0x9fb21c651e98df25ULL;
constexpr uint64_t kMulB = 0xc2b2ae3d27d4eb4fULL;
constexpr uint64_t kNullHash = 0x5bd1e9955bd1e995ULL;

// A strong 64-bit finaliser: every input bit affects every output bit, so both the low bits
// (hash table buckets) and the high bits (spill partitions) are usable.
inline uint64_t Mix(uint64_t x) {
  x ^= x >> 31;
  x *= kMulA;
  x ^= x >> 29;
  x *= kMulB;
  x ^= x >> 32;
  return x;
}

inline uint64_t Combine(uint64_t h, uint64_t value_hash) {
  return Mix(h ^ (value_hash + 0x9e3779b97f4a7c15ULL + (h << 6) + (h >> 2)));
}

inline uint64_t HashBytes(std::string_view s, uint64_t seed) {
  // One multiply-rotate per 8 bytes and a single strong finaliser: keys are short strings
  // (emails, UUIDs), where a full mix per word dominated the join's time.
  uint64_t h = seed ^ (s.size() * kMulB);
  const char* p = s.data();
  size_t n = s.size();
  while (n >= 8) {
    uint64_t w;
    std::memcpy(&w, p, 8);
    h = (h ^ w) * kMulA;
    h = (h << 29) | (h >> 35);
    p += 8;
    n -= 8;
  }
  if (n > 0) {
    uint64_t w = 0;
    std::memcpy(&w, p, n);
    h = (h ^ w ^ (uint64_t{n} << 56)) * kMulB;
  }
  return Mix(h);
}

inline uint64_t DoubleBits(double d) {
  if (d == 0.0) d = 0.0;  // -0.0 == 0.0
  if (std::isnan(d)) d = std::numeric_limits<double>::quiet_NaN();
  uint64_t bits;
  std::memcpy(&bits, &d, 8);
  return bits;
}

// Feeds VALUE_HASH(row) of one column's rows [BEGIN, END) into HASHES (entry 0 is row BEGIN);
// the first column initialises them.
template <typename ValueHash>
void HashInto(const Column& c, bool first, uint64_t seed, size_t begin, size_t end,
              uint64_t* hashes, uint8_t* key_null, ValueHash value_hash) {
  const bool has_nulls = c.null_count() > 0;
  for (size_t i = 0, r = begin; r < end; ++i, ++r) {
    uint64_t vh;
    if (has_nulls && c.IsNull(r)) {
      key_null[i] = 1;
      vh = kNullHash;
    } else {
      vh = value_hash(r);
    }
    hashes[i] = first ? Mix(vh ^ seed) : Combine(hashes[i], vh);
  }
}

template <typename T>
void KeepEqualFixed(const Column& probe, const Column& build, std::vector<uint32_t>* pr,
                    std::vector<uint32_t>* br) {
  const uint8_t* pv = probe.values().data();
  const uint8_t* bv = build.values().data();
  uint32_t* p = pr->data();
  uint32_t* b = br->data();
  const size_t n = pr->size();
  size_t kept = 0;
  for (size_t i = 0; i < n; ++i) {
    T x, y;
    std::memcpy(&x, pv + size_t{p[i]} * sizeof(T), sizeof(T));
    std::memcpy(&y, bv + size_t{b[i]} * sizeof(T), sizeof(T));
    bool eq;
    if constexpr (std::is_floating_point_v<T>) {
      eq = x == y || (std::isnan(x) && std::isnan(y));
    } else {
      eq = x == y;
    }
    p[kept] = p[i];
    b[kept] = b[i];
    kept += eq ? 1 : 0;
  }
  pr->resize(kept);
  br->resize(kept);
}

void KeepEqualStrings(const Column& probe, const Column& build, std::vector<uint32_t>* pr,
                      std::vector<uint32_t>* br) {
  uint32_t* p = pr->data();
  uint32_t* b = br->data();
  const size_t n = pr->size();
  size_t kept = 0;
  if (probe.is_dictionary() && build.is_dictionary()) {
    // Pairs come in runs of one code pair (a customer's readings against theirs), so the
    // strings are compared once per run. Equal codes of one dictionary are equal strings;
    // other codes still compare the strings, as a foreign file's dictionary may repeat a value.
    const bool shared = probe.dictionary() == build.dictionary();
    uint32_t last_p = 0, last_b = 0;
    bool last_eq = false, any = false;
    for (size_t i = 0; i < n; ++i) {
      const uint32_t pc = probe.code(p[i]), bc = build.code(b[i]);
      if (!any || pc != last_p || bc != last_b) {
        last_eq = (shared && pc == bc) ||
                  probe.dictionary()->GetString(pc) == build.dictionary()->GetString(bc);
        last_p = pc;
        last_b = bc;
        any = true;
      }
      p[kept] = p[i];
      b[kept] = b[i];
      kept += last_eq ? 1 : 0;
    }
  } else {
    for (size_t i = 0; i < n; ++i) {
      const bool eq = probe.GetString(p[i]) == build.GetString(b[i]);
      p[kept] = p[i];
      b[kept] = b[i];
      kept += eq ? 1 : 0;
    }
  }
  pr->resize(kept);
  br->resize(kept);
}

// Hashes every entry of DICTIONARY into OUT, as HashBytes hashes the row's string.
void HashEntries(const Column& dictionary, uint64_t seed, uint64_t* out) {
  for (size_t e = 0; e < dictionary.size(); ++e) out[e] = HashBytes(dictionary.GetString(e), seed);
}

}  // namespace

const uint64_t* DictionaryHashCache::EntryHashes(size_t key,
                                                 const std::shared_ptr<const Column>& dictionary,
                                                 uint64_t seed, size_t rows) {
  if (entries_.size() <= key) entries_.resize(key + 1);
  Entry& entry = entries_[key];
  if (entry.dictionary != dictionary || entry.seed != seed) {
    entry.dictionary = dictionary;
    entry.seed = seed;
    entry.rows_seen = 0;
    entry.hashes.clear();
  }
  if (entry.hashes.empty()) {
    entry.rows_seen += rows;
    // Hashing the entries costs about what hashing as many rows does: worth it once the rows
    // hashed with this dictionary reach its size (at most twice the per-row work overall).
    if (entry.rows_seen < dictionary->size()) return nullptr;
    entry.hashes.resize(dictionary->size());
    HashEntries(*dictionary, seed, entry.hashes.data());
  }
  return entry.hashes.data();
}

void HashKeyColumns(std::span<const Column* const> keys, uint64_t seed, size_t rows,
                    std::vector<uint64_t>* hashes, std::vector<uint8_t>* key_null) {
  HashKeyRows(keys, seed, 0, rows, hashes, key_null);
}

void HashKeyRows(std::span<const Column* const> keys, uint64_t seed, size_t begin, size_t end,
                 std::vector<uint64_t>* hashes, std::vector<uint8_t>* key_null,
                 DictionaryHashCache* cache) {
  const size_t rows = end - begin;
  hashes->assign(rows, Mix(seed));
  key_null->assign(rows, 0);
  uint64_t* h = hashes->data();
  uint8_t* kn = key_null->data();
  bool first = true;
  std::vector<uint64_t> entry_hashes;  // a dictionary's, when no cache keeps them
  for (size_t k = 0; k < keys.size(); ++k) {
    const Column* c = keys[k];
    const uint8_t* v = c->values().data();
    switch (c->type()) {
      case TypeId::kBoolean:
        HashInto(*c, first, seed, begin, end, h, kn, [v](size_t r) { return Mix(v[r] + 1); });
        break;
      case TypeId::kInt32:
      case TypeId::kDate:
        HashInto(*c, first, seed, begin, end, h, kn, [v](size_t r) {
          int32_t x;
          std::memcpy(&x, v + r * 4, 4);
          return Mix(static_cast<uint64_t>(static_cast<int64_t>(x)));
        });
        break;
      case TypeId::kInt64:
      case TypeId::kTimestamp:
        HashInto(*c, first, seed, begin, end, h, kn, [v](size_t r) {
          uint64_t x;
          std::memcpy(&x, v + r * 8, 8);
          return Mix(x);
        });
        break;
      case TypeId::kFloat64:
        HashInto(*c, first, seed, begin, end, h, kn, [v](size_t r) {
          double x;
          std::memcpy(&x, v + r * 8, 8);
          return Mix(DoubleBits(x));
        });
        break;
      case TypeId::kString:
      case TypeId::kBinary:
        const uint64_t* by_code = nullptr;
        if (c->is_dictionary() && cache != nullptr) {
          by_code = cache->EntryHashes(k, c->dictionary(), seed, rows);
        } else if (c->is_dictionary() && c->dictionary()->size() <= rows) {
          entry_hashes.resize(c->dictionary()->size());
          HashEntries(*c->dictionary(), seed, entry_hashes.data());
          by_code = entry_hashes.data();
        }
        if (by_code != nullptr) {
          // Each distinct string is hashed once; rows look their hash up by code.
          HashInto(*c, first, seed, begin, end, h, kn,
                   [c, by_code](size_t r) { return by_code[c->code(r)]; });
        } else {
          HashInto(*c, first, seed, begin, end, h, kn,
                   [c, seed](size_t r) { return HashBytes(c->GetString(r), seed); });
        }
        break;
    }
    first = false;
  }
}

void KeepEqualKeyPairs(std::span<const Column* const> probe_keys,
                       std::span<const Column* const> build_keys, std::vector<uint32_t>* probe_rows,
                       std::vector<uint32_t>* build_rows) {
  for (size_t k = 0; k < probe_keys.size() && !probe_rows->empty(); ++k) {
    const Column& p = *probe_keys[k];
    const Column& b = *build_keys[k];
    switch (p.type()) {
      case TypeId::kBoolean:
        KeepEqualFixed<uint8_t>(p, b, probe_rows, build_rows);
        break;
      case TypeId::kInt32:
      case TypeId::kDate:
        KeepEqualFixed<int32_t>(p, b, probe_rows, build_rows);
        break;
      case TypeId::kInt64:
      case TypeId::kTimestamp:
        KeepEqualFixed<int64_t>(p, b, probe_rows, build_rows);
        break;
      case TypeId::kFloat64:
        KeepEqualFixed<double>(p, b, probe_rows, build_rows);
        break;
      case TypeId::kString:
      case TypeId::kBinary:
        KeepEqualStrings(p, b, probe_rows, build_rows);
        break;
    }
  }
}

bool RowKeysEqual(std::span<const Column* const> a, size_t a_row, std::span<const Column* const> b,
                  size_t b_row) {
  for (size_t k = 0; k < a.size(); ++k) {
    const Column& x = *a[k];
    const Column& y = *b[k];
    switch (x.type()) {
      case TypeId::kBoolean:
        if (x.Get<uint8_t>(a_row) != y.Get<uint8_t>(b_row)) return false;
        break;
      case TypeId::kInt32:
      case TypeId::kDate:
        if (x.GetInt32(a_row) != y.GetInt32(b_row)) return false;
        break;
      case TypeId::kInt64:
      case TypeId::kTimestamp:
        if (x.GetInt64(a_row) != y.GetInt64(b_row)) return false;
        break;
      case TypeId::kFloat64: {
        const double u = x.GetDouble(a_row), v = y.GetDouble(b_row);
        if (!(u == v || (std::isnan(u) && std::isnan(v)))) return false;
        break;
      }
      case TypeId::kString:
      case TypeId::kBinary:
        if (x.GetString(a_row) != y.GetString(b_row)) return false;
        break;
    }
  }
  return true;
}

}  // namespace stedi::sql
