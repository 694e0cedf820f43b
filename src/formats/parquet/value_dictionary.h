#pragma once

#include <algorithm>
#include <cstdint>
#include <cstring>
#include <string>
#include <string_view>
#include <vector>

namespace stedi::parquet {

/// Returns a 64-bit hash of the integer X (multiply / xor-shift mix; every input bit reaches the
/// low output bits, which the tables below use as the slot).
inline uint64_t MixHash(uint64_t x) {
  x ^= x >> 32;
  x *= 0xd6e8feb86659fd93ULL;
  x ^= x >> 32;
  x *= 0xd6e8feb86659fd93ULL;
  x ^= x >> 32;
  return x;
}

/// Returns a 64-bit hash of the bytes of S, reading them eight at a time.
uint64_t HashBytes(std::string_view s);

struct MixHasher {
  uint64_t operator()(uint64_t x) const { return MixHash(x); }
};
struct BytesHasher {
  uint64_t operator()(std::string_view s) const { return HashBytes(s); }
};

/// Assigns dense indices 0, 1, 2, ... to the distinct fixed-width values it sees, keyed by their
/// raw bits U (uint32_t or uint64_t; doubles go in by bit pattern, so -0.0 and 0.0 differ as they
/// do in PLAIN). Open addressing with linear probing at a load of at most 1/2. The values, in
/// index order, are their PLAIN encoding on a little-endian host. HASH maps a uint64_t to a
/// uint64_t; tests pass a weak one to force collisions.
template <typename U, typename Hash = MixHasher>
class FixedWidthDictionary {
 public:
  /// Returns the index of V, adding V with the next index when it is new.
  uint32_t GetOrInsert(U v) {
    // Inline for the usual case, a value already present in its home slot; the rest out of line.
    if (!slots_.empty()) [[likely]] {
      const Slot& home = slots_[static_cast<size_t>(hash_(v)) & mask_];
      if (home.key == v && home.index_plus_one != 0) [[likely]] {
        return home.index_plus_one - 1;
      }
    }
    return Probe(v);
  }

  size_t size() const { return values_.size(); }

  /// Returns the distinct values in index order.
  const std::vector<U>& values() const { return values_; }
  /// Returns the size of the values in PLAIN encoding.
  size_t plain_bytes() const { return values_.size() * sizeof(U); }
  /// Forgets every value (keeping the allocations for the next chunk).
  void Clear() {
    values_.clear();
    std::fill(slots_.begin(), slots_.end(), Slot{});
  }

 private:
  static constexpr size_t kInitialSlots = 256;
  struct Slot {
    U key = 0;
    uint32_t index_plus_one = 0;  // 0 marks an empty slot
  };

  [[gnu::noinline]] uint32_t Probe(U v) {
    if (slots_.empty()) Rehash(kInitialSlots);
    size_t i = static_cast<size_t>(hash_(v)) & mask_;
    while (true) {
      Slot& s = slots_[i];
      if (s.index_plus_one == 0) break;
      if (s.key == v) return s.index_plus_one - 1;
      i = (i + 1) & mask_;
    }
    const uint32_t index = static_cast<uint32_t>(values_.size());
    slots_[i] = Slot{v, index + 1};
    values_.push_back(v);
    if (values_.size() * 2 > slots_.size()) Rehash(slots_.size() * 2);
    return index;
  }

  void Rehash(size_t slots) {
    slots_.assign(slots, Slot{});
    mask_ = slots - 1;
    for (size_t index = 0; index < values_.size(); ++index) {
      size_t i = static_cast<size_t>(hash_(values_[index])) & mask_;
      while (slots_[i].index_plus_one != 0) i = (i + 1) & mask_;
      slots_[i] = Slot{values_[index], static_cast<uint32_t>(index + 1)};
    }
  }

  Hash hash_;
  std::vector<Slot> slots_;
  size_t mask_ = 0;
  std::vector<U> values_;
};

/// Assigns dense indices to distinct byte strings. The strings live back to back in one arena
/// in PLAIN BYTE_ARRAY encoding (4-byte little-endian length, then the bytes), so the arena is
/// the dictionary page body; the table holds each entry's hash and index, and entries are
/// compared through views into the arena. HASH maps a string_view to a uint64_t.
template <typename Hash = BytesHasher>
class ByteArrayDictionary {
 public:
  /// Returns the index of V, adding a copy of V with the next index when it is new.
  uint32_t GetOrInsert(std::string_view v) {
    if (slots_.empty()) Rehash(kInitialSlots);
    const uint64_t h = hash_(v);
    const uint32_t tag = static_cast<uint32_t>(h >> 32);
    size_t i = static_cast<size_t>(h) & mask_;
    while (true) {
      const Slot& s = slots_[i];
      if (s.index_plus_one == 0) break;
      if (s.tag == tag && Get(s.index_plus_one - 1) == v) return s.index_plus_one - 1;
      i = (i + 1) & mask_;
    }
    const uint32_t index = static_cast<uint32_t>(starts_.size());
    const uint32_t length = static_cast<uint32_t>(v.size());
    char prefix[4];
    std::memcpy(prefix, &length, 4);  // little-endian host
    arena_.append(prefix, 4);
    starts_.push_back(arena_.size());
    arena_.append(v);
    slots_[i] = Slot{tag, index + 1};
    if (starts_.size() * 2 > slots_.size()) Rehash(slots_.size() * 2);
    return index;
  }

  size_t size() const { return starts_.size(); }
  /// Returns the value with index INDEX (a view into the arena, valid until the next insert).
  std::string_view Get(uint32_t index) const {
    const size_t start = starts_[index];
    uint32_t length;
    std::memcpy(&length, arena_.data() + start - 4, 4);
    return std::string_view(arena_.data() + start, length);
  }
  /// Returns every value in index order, PLAIN-encoded.
  const std::string& plain() const { return arena_; }
  size_t plain_bytes() const { return arena_.size(); }
  /// Forgets every value (keeping the allocations for the next chunk).
  void Clear() {
    arena_.clear();
    starts_.clear();
    std::fill(slots_.begin(), slots_.end(), Slot{});
  }

 private:
  static constexpr size_t kInitialSlots = 256;
  struct Slot {
    uint32_t tag = 0;             // high half of the hash, to skip most byte comparisons
    uint32_t index_plus_one = 0;  // 0 marks an empty slot
  };

  void Rehash(size_t slots) {
    slots_.assign(slots, Slot{});
    mask_ = slots - 1;
    for (uint32_t index = 0; index < starts_.size(); ++index) {
      const uint64_t h = hash_(Get(index));
      size_t i = static_cast<size_t>(h) & mask_;
      while (slots_[i].index_plus_one != 0) i = (i + 1) & mask_;
      slots_[i] = Slot{static_cast<uint32_t>(h >> 32), index + 1};
    }
  }

  Hash hash_;
  std::vector<Slot> slots_;
  size_t mask_ = 0;
  std::string arena_;
  std::vector<size_t> starts_;  // offset of each value's bytes (after its length) in arena_
};

}  // namespace stedi::parquet
