#pragma once

#include <cstddef>
#include <cstdint>
#include <vector>

#include "columnar/column.h"

namespace stedi::sql {

/// Maps rows of key columns to dense group ids (0, 1, 2, ... in order of first appearance),
/// NULLs forming one group per key. Keys are encoded row-wise into one byte arena so that
/// equality is a memcmp and any number and type of keys share one open-addressing table.
/// An optional per-row uint32 PREFIX is part of the key (DISTINCT aggregates key on
/// (group id, value)).
class GroupHashTable {
 public:
  static constexpr uint32_t kNoGroup = UINT32_MAX;

  explicit GroupHashTable(std::vector<TypeId> key_types);

  /// Encodes and hashes ROWS rows of KEYS (and PREFIX when not null); afterwards hashes()
  /// holds one hash per row. Must precede FindOrInsert / Find.
  void PrepareBatch(const std::vector<const Column*>& keys, const uint32_t* prefix, size_t rows);
  /// Writes the group id of every prepared row to GROUP_IDS, inserting new groups.
  void FindOrInsert(std::vector<uint32_t>* group_ids);
  /// Writes the group id of every prepared row, or kNoGroup when absent (inserts nothing).
  void Find(std::vector<uint32_t>* group_ids) const;

  const std::vector<uint64_t>& hashes() const { return batch_hashes_; }
  size_t num_groups() const { return group_offsets_.size() - 1; }
  size_t MemoryBytes() const;
  /// Decodes the keys of groups [BEGIN, END) into one column per key type (no prefix).
  std::vector<Column> DecodeKeys(size_t begin, size_t end) const;

 private:
  struct Slot {
    uint32_t group;
    uint32_t hash_tag;  // high hash bits, to skip most memcmps
  };
  void PrepareFixedLengthBatch(const std::vector<const Column*>& keys, const uint32_t* prefix,
                               size_t rows);
  bool KeyEquals(uint32_t group, const uint8_t* key, size_t len) const;
  uint32_t Insert(size_t row);
  uint32_t Lookup(size_t row) const;
  void Grow();

  std::vector<TypeId> key_types_;
  bool has_prefix_ = false;
  size_t fixed_length_ = 0;  // bytes of every encoded key when all keys are fixed-width
  // Current batch, row-encoded.
  std::vector<uint8_t> batch_keys_;
  std::vector<uint32_t> batch_offsets_;
  std::vector<uint64_t> batch_hashes_;
  // Groups.
  std::vector<uint8_t> group_keys_;
  std::vector<uint64_t> group_offsets_{0};
  std::vector<uint64_t> group_hashes_;
  std::vector<Slot> slots_;
  uint64_t mask_ = 0;
};

/// Mixes 64 bits (a finaliser with full avalanche), for hashing and partitioning.
inline uint64_t MixHash(uint64_t x) {
  x ^= x >> 32;
  x *= 0xd6e8feb86659fd93ULL;
  x ^= x >> 32;
  x *= 0xd6e8feb86659fd93ULL;
  x ^= x >> 32;
  return x;
}

}  // namespace stedi::sql
