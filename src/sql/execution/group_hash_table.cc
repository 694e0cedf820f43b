#include "sql/execution/group_hash_table.h"

#include <cmath>
#include <cstring>
#include <limits>

namespace stedi::sql {
namespace {

constexpr uint32_t kEmpty = UINT32_MAX;

// Doubles that compare equal must encode equally: -0.0 joins 0.0 and every NaN one NaN.
uint64_t CanonicalDoubleBits(double v) {
  if (v == 0.0) v = 0.0;
  if (std::isnan(v)) v = std::numeric_limits<double>::quiet_NaN();
  uint64_t bits;
  std::memcpy(&bits, &v, sizeof(bits));
  return bits;
}

// Equality of short keys without a library call.
inline bool BytesEqual(const uint8_t* a, const uint8_t* b, size_t n) {
  while (n >= 8) {
    uint64_t x, y;
    std::memcpy(&x, a, 8);
    std::memcpy(&y, b, 8);
    if (x != y) return false;
    a += 8;
    b += 8;
    n -= 8;
  }
  while (n > 0) {
    if (*a++ != *b++) return false;
    --n;
  }
  return true;
}

inline uint64_t HashBytes(const uint8_t* p, size_t n) {
  uint64_t h = 0x9e3779b97f4a7c15ULL ^ n;
  while (n >= 8) {
    uint64_t w;
    std::memcpy(&w, p, 8);
    h = (h ^ MixHash(w)) * 0xff51afd7ed558ccdULL;
    p += 8;
    n -= 8;
  }
  if (n > 0) {
    // Byte loop: a variable-length memcpy would be a library call per row.
    uint64_t w = 0;
    for (size_t i = 0; i < n; ++i) w |= uint64_t{p[i]} << (8 * i);
    h = (h ^ MixHash(w)) * 0xff51afd7ed558ccdULL;
  }
  return MixHash(h);
}

}  // namespace

GroupHashTable::GroupHashTable(std::vector<TypeId> key_types) : key_types_(std::move(key_types)) {
  slots_.assign(1024, Slot{kEmpty, 0});
  mask_ = slots_.size() - 1;
}

void GroupHashTable::PrepareBatch(const std::vector<const Column*>& given_keys,
                                  const uint32_t* prefix, size_t rows) {
  // Keys are serialised from raw string buffers: dictionary-encoded strings are expanded first.
  std::vector<Column> expanded;
  std::vector<const Column*> keys = given_keys;
  for (const Column*& c : keys) {
    if (!c->is_dictionary()) continue;
    expanded.reserve(keys.size());  // no reallocation: pointers into it stay valid
    expanded.push_back(c->Materialized());
    c = &expanded.back();
  }
  has_prefix_ = prefix != nullptr;
  fixed_length_ = has_prefix_ ? 4 : 0;
  for (TypeId t : key_types_) {
    fixed_length_ = IsVariableWidth(t) ? 0 : fixed_length_ + 1 + FixedWidth(t);
    if (fixed_length_ == 0) break;
  }
  if (fixed_length_ != 0) {
    PrepareFixedLengthBatch(keys, prefix, rows);
    return;
  }
  // Pass 1: row sizes, column by column.
  batch_offsets_.assign(rows + 1, 0);
  uint32_t* sizes = batch_offsets_.data() + 1;
  const uint32_t base = (has_prefix_ ? 4 : 0) + static_cast<uint32_t>(keys.size());
  for (size_t r = 0; r < rows; ++r) sizes[r] = base;
  for (const Column* c : keys) {
    const bool nullable = c->null_count() > 0;
    if (IsVariableWidth(c->type())) {
      const uint64_t* off = c->offsets().data();
      for (size_t r = 0; r < rows; ++r) {
        if (nullable && c->IsNull(r)) continue;
        sizes[r] += 4 + static_cast<uint32_t>(off[r + 1] - off[r]);
      }
    } else {
      // Fixed-width keys always take their width (zeros when null): rows of fixed-width keys
      // then all have one length, which the table exploits.
      const uint32_t w = FixedWidth(c->type());
      for (size_t r = 0; r < rows; ++r) sizes[r] += w;
    }
  }
  for (size_t r = 0; r < rows; ++r) batch_offsets_[r + 1] += batch_offsets_[r];
  batch_keys_.resize(batch_offsets_[rows]);
  // Pass 2: write, column by column, with a cursor per row.
  std::vector<uint32_t> cursor(batch_offsets_.begin(), batch_offsets_.end() - 1);
  uint8_t* out = batch_keys_.data();
  if (has_prefix_) {
    for (size_t r = 0; r < rows; ++r) {
      std::memcpy(out + cursor[r], &prefix[r], 4);
      cursor[r] += 4;
    }
  }
  for (const Column* c : keys) {
    const bool nullable = c->null_count() > 0;
    const TypeId type = c->type();
    const uint8_t* values = c->values().data();
    if (IsVariableWidth(type)) {
      const uint64_t* off = c->offsets().data();
      for (size_t r = 0; r < rows; ++r) {
        uint8_t* p = out + cursor[r];
        if (nullable && c->IsNull(r)) {
          *p = 0;
          cursor[r] += 1;
          continue;
        }
        const uint32_t len = static_cast<uint32_t>(off[r + 1] - off[r]);
        *p = 1;
        std::memcpy(p + 1, &len, 4);
        if (len > 0) std::memcpy(p + 5, values + off[r], len);  // values is null if all empty
        cursor[r] += 5 + len;
      }
    } else if (type == TypeId::kFloat64) {
      for (size_t r = 0; r < rows; ++r) {
        uint8_t* p = out + cursor[r];
        if (nullable && c->IsNull(r)) {
          std::memset(p, 0, 9);
          cursor[r] += 9;
          continue;
        }
        const uint64_t bits = CanonicalDoubleBits(c->GetDouble(r));
        *p = 1;
        std::memcpy(p + 1, &bits, 8);
        cursor[r] += 9;
      }
    } else {
      const uint32_t w = FixedWidth(type);
      for (size_t r = 0; r < rows; ++r) {
        uint8_t* p = out + cursor[r];
        if (nullable && c->IsNull(r)) {
          std::memset(p, 0, 1 + w);
          cursor[r] += 1 + w;
          continue;
        }
        *p = 1;
        std::memcpy(p + 1, values + r * w, w);
        cursor[r] += 1 + w;
      }
    }
  }
  batch_hashes_.resize(rows);
  for (size_t r = 0; r < rows; ++r) {
    batch_hashes_[r] =
        HashBytes(out + batch_offsets_[r], batch_offsets_[r + 1] - batch_offsets_[r]);
  }
}

bool GroupHashTable::KeyEquals(uint32_t group, const uint8_t* key, size_t len) const {
  if (fixed_length_ != 0) {
    return BytesEqual(group_keys_.data() + size_t{group} * fixed_length_, key, len);
  }
  const uint64_t begin = group_offsets_[group];
  return group_offsets_[group + 1] - begin == len &&
         BytesEqual(group_keys_.data() + begin, key, len);
}

// All keys fixed-width: every row has FIXED_LENGTH_ bytes and each column one fixed place.
void GroupHashTable::PrepareFixedLengthBatch(const std::vector<const Column*>& keys,
                                             const uint32_t* prefix, size_t rows) {
  const size_t length = fixed_length_;
  batch_offsets_.resize(rows + 1);
  for (size_t r = 0; r <= rows; ++r) batch_offsets_[r] = static_cast<uint32_t>(r * length);
  batch_keys_.resize(rows * length);
  uint8_t* out = batch_keys_.data();
  size_t at = 0;
  if (prefix != nullptr) {
    for (size_t r = 0; r < rows; ++r) std::memcpy(out + r * length, &prefix[r], 4);
    at = 4;
  }
  for (const Column* c : keys) {
    const bool nullable = c->null_count() > 0;
    const size_t w = FixedWidth(c->type());
    const uint8_t* values = c->values().data();
    uint8_t* p = out + at;
    if (c->type() == TypeId::kFloat64) {
      for (size_t r = 0; r < rows; ++r, p += length) {
        const uint64_t bits = CanonicalDoubleBits(c->GetDouble(r));
        p[0] = 1;
        std::memcpy(p + 1, &bits, 8);
      }
    } else {
      for (size_t r = 0; r < rows; ++r, p += length) {
        p[0] = 1;
        std::memcpy(p + 1, values + r * w, w);
      }
    }
    if (nullable) {
      p = out + at;
      for (size_t r = 0; r < rows; ++r, p += length) {
        if (c->IsNull(r)) std::memset(p, 0, 1 + w);
      }
    }
    at += 1 + w;
  }
  batch_hashes_.resize(rows);
  for (size_t r = 0; r < rows; ++r) batch_hashes_[r] = HashBytes(out + r * length, length);
}

uint32_t GroupHashTable::Lookup(size_t row) const {
  const uint64_t h = batch_hashes_[row];
  const uint32_t tag = static_cast<uint32_t>(h >> 32);
  const uint8_t* key = batch_keys_.data() + batch_offsets_[row];
  const size_t len = batch_offsets_[row + 1] - batch_offsets_[row];
  for (uint64_t i = h & mask_;; i = (i + 1) & mask_) {
    const Slot s = slots_[i];
    if (s.group == kEmpty) return kNoGroup;
    if (s.hash_tag != tag) continue;
    if (KeyEquals(s.group, key, len)) return s.group;
  }
}

uint32_t GroupHashTable::Insert(size_t row) {
  const uint64_t h = batch_hashes_[row];
  const uint32_t tag = static_cast<uint32_t>(h >> 32);
  const uint8_t* key = batch_keys_.data() + batch_offsets_[row];
  const size_t len = batch_offsets_[row + 1] - batch_offsets_[row];
  for (uint64_t i = h & mask_;; i = (i + 1) & mask_) {
    const Slot s = slots_[i];
    if (s.group == kEmpty) {
      const uint32_t group = static_cast<uint32_t>(num_groups());
      slots_[i] = Slot{group, tag};
      group_keys_.insert(group_keys_.end(), key, key + len);
      group_offsets_.push_back(group_keys_.size());
      group_hashes_.push_back(h);
      if (num_groups() * 2 > slots_.size()) Grow();
      return group;
    }
    if (s.hash_tag != tag) continue;
    if (KeyEquals(s.group, key, len)) return s.group;
  }
}

void GroupHashTable::Grow() {
  slots_.assign(slots_.size() * 2, Slot{kEmpty, 0});
  mask_ = slots_.size() - 1;
  for (uint32_t g = 0; g < group_hashes_.size(); ++g) {
    const uint64_t h = group_hashes_[g];
    uint64_t i = h & mask_;
    while (slots_[i].group != kEmpty) i = (i + 1) & mask_;
    slots_[i] = Slot{g, static_cast<uint32_t>(h >> 32)};
  }
}

void GroupHashTable::FindOrInsert(std::vector<uint32_t>* group_ids) {
  const size_t rows = batch_hashes_.size();
  group_ids->resize(rows);
  uint32_t* ids = group_ids->data();
  // Prefetch the slot of a row far ahead, then (once it has arrived) the key of the group in
  // it for a nearer row, so the cache misses of big tables overlap instead of queueing.
  constexpr size_t kSlotDistance = 16;
  constexpr size_t kKeyDistance = 8;
  const uint64_t* hashes = batch_hashes_.data();
  for (size_t r = 0; r < rows; ++r) {
    if (r + kSlotDistance < rows) __builtin_prefetch(&slots_[hashes[r + kSlotDistance] & mask_]);
    if (r + kKeyDistance < rows) {
      const uint32_t g = slots_[hashes[r + kKeyDistance] & mask_].group;
      if (g != kEmpty) {
        __builtin_prefetch(fixed_length_ != 0 ? group_keys_.data() + size_t{g} * fixed_length_
                                              : group_keys_.data() + group_offsets_[g]);
      }
    }
    ids[r] = Insert(r);
  }
}

void GroupHashTable::Find(std::vector<uint32_t>* group_ids) const {
  const size_t rows = batch_hashes_.size();
  group_ids->resize(rows);
  uint32_t* ids = group_ids->data();
  for (size_t r = 0; r < rows; ++r) ids[r] = Lookup(r);
}

size_t GroupHashTable::MemoryBytes() const {
  return group_keys_.capacity() + group_offsets_.capacity() * 8 + group_hashes_.capacity() * 8 +
         slots_.size() * sizeof(Slot) + batch_keys_.capacity();
}

std::vector<Column> GroupHashTable::DecodeKeys(size_t begin, size_t end) const {
  std::vector<ColumnBuilder> builders;
  for (TypeId t : key_types_) {
    builders.emplace_back(t);
    builders.back().Reserve(end - begin);
  }
  for (size_t g = begin; g < end; ++g) {
    const uint8_t* p = group_keys_.data() + group_offsets_[g] + (has_prefix_ ? 4 : 0);
    for (size_t k = 0; k < key_types_.size(); ++k) {
      ColumnBuilder& b = builders[k];
      if (*p++ == 0) {
        b.AppendNull();
        p += FixedWidth(key_types_[k]);  // 0 for strings, whose nulls carry no payload
        continue;
      }
      switch (key_types_[k]) {
        case TypeId::kString:
        case TypeId::kBinary: {
          uint32_t len;
          std::memcpy(&len, p, 4);
          b.AppendString(std::string_view(reinterpret_cast<const char*>(p + 4), len));
          p += 4 + len;
          break;
        }
        case TypeId::kBoolean:
          b.AppendBool(*p != 0);
          p += 1;
          break;
        case TypeId::kInt32:
        case TypeId::kDate: {
          int32_t v;
          std::memcpy(&v, p, 4);
          b.AppendInt32(v);
          p += 4;
          break;
        }
        case TypeId::kInt64:
        case TypeId::kTimestamp: {
          int64_t v;
          std::memcpy(&v, p, 8);
          b.AppendInt64(v);
          p += 8;
          break;
        }
        case TypeId::kFloat64: {
          double v;
          std::memcpy(&v, p, 8);
          b.AppendDouble(v);
          p += 8;
          break;
        }
      }
    }
  }
  std::vector<Column> out;
  for (ColumnBuilder& b : builders) out.push_back(b.Finish());
  return out;
}

}  // namespace stedi::sql
