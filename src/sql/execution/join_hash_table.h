#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <span>
#include <vector>

namespace stedi::sql {

/// A chained hash table over the row indices of a materialised build side: one bucket head per
/// power-of-two slot and one "next" link per row, plus each row's precomputed key hash so that
/// probing compares hashes before touching key columns. Rows whose key is NULL are not indexed.
class JoinHashTable {
 public:
  static constexpr uint32_t kEnd = UINT32_MAX;

  /// Indexes rows 0..HASHES.size()-1, skipping rows with KEY_NULL set. With SAME_KEY (called
  /// only for rows of equal hash), a row whose key is already indexed is left out: semi and
  /// anti joins need one match per key, and duplicates would multiply their probe work.
  ///
  /// With THREADS > 1 and many rows, the slots are split into ranges built side by side, each
  /// by one thread that links only the rows hashing into its range (in the same order), so the
  /// chains are those of a build on one thread.
  void Build(std::span<const uint64_t> hashes, std::span<const uint8_t> key_null,
             const std::function<bool(uint32_t, uint32_t)>* same_key = nullptr, size_t threads = 1);

  /// Returns the first row of HASH's chain, or kEnd. Chains list rows in ascending order and may
  /// hold rows of other hashes: compare hash(row) first.
  uint32_t First(uint64_t hash) const { return heads_[hash & mask_]; }
  uint32_t Next(uint32_t row) const { return entries_[row].next; }
  uint64_t hash(uint32_t row) const { return entries_[row].hash; }
  /// Writes First(HASHES[i]) into HEADS[i] for a whole probe batch; independent loads let
  /// the CPU overlap the cache misses that dominate probing a large table.
  void FirstOfEach(std::span<const uint64_t> hashes, std::vector<uint32_t>* heads) const;
  /// Hints the CPU to load ROW's chain entry.
  void Prefetch(uint32_t row) const {
    if (row != kEnd) __builtin_prefetch(&entries_[row]);
  }

  /// Returns the bytes the table holds (for the memory budget).
  size_t MemoryBytes() const { return slots_ * sizeof(uint32_t) + rows_ * sizeof(Entry); }

 private:
  // Hash and link side by side: one cache miss per chain step instead of two.
  struct Entry {
    uint64_t hash;
    uint32_t next;
  };
  bool HasKey(uint32_t chain, uint64_t hash, uint32_t row,
              const std::function<bool(uint32_t, uint32_t)>& same_key) const;
  // Links ROW (not null) into its chain, unless SAME_KEY finds its key there already.
  void Link(uint32_t row, const std::function<bool(uint32_t, uint32_t)>* same_key) {
    uint32_t& head = heads_[entries_[row].hash & mask_];
    if (same_key != nullptr && HasKey(head, entries_[row].hash, row, *same_key)) return;
    entries_[row].next = head;
    head = row;
  }

  // Arrays written in full by Build (on its threads) before any read: allocated without the
  // zero-fill a vector would do first, on one thread.
  std::unique_ptr<uint32_t[]> heads_{new uint32_t[1]{kEnd}};
  std::unique_ptr<Entry[]> entries_;
  size_t slots_ = 1;
  size_t rows_ = 0;
  uint64_t mask_ = 0;
};

}  // namespace stedi::sql
