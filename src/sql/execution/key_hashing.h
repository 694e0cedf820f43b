#pragma once

#include <cstdint>
#include <memory>
#include <span>
#include <vector>

#include "columnar/column.h"

namespace stedi::sql {

/// Computes one 64-bit hash per row over the key columns KEYS (all of equal length) into
/// HASHES, and into KEY_NULL whether any key of the row is NULL (such rows never join).
/// Equal keys hash equally for a given SEED; different seeds give independent hashes (used to
/// repartition a spilled partition). Doubles hash by value: 0.0 and -0.0 alike, all NaNs alike.
void HashKeyColumns(std::span<const Column* const> keys, uint64_t seed, size_t rows,
                    std::vector<uint64_t>* hashes, std::vector<uint8_t>* key_null);

/// The hashes of the entries of the dictionaries a series of HashKeyRows calls meets, one per
/// key column. A join's output gathers a build column as codes of the build side's dictionary,
/// larger than any one batch: hashing its entries once, when the batches hashed with it add up
/// to its size, replaces hashing a string per row by a lookup. One cache per thread.
class DictionaryHashCache {
 public:
  /// The entry hashes of KEY's dictionary under SEED, computed once ROWS more rows bring those
  /// hashed with it to its size; null until then (the caller hashes the rows' strings).
  const uint64_t* EntryHashes(size_t key, const std::shared_ptr<const Column>& dictionary,
                              uint64_t seed, size_t rows);

 private:
  struct Entry {
    std::shared_ptr<const Column> dictionary;  // held: its address identifies it
    uint64_t seed = 0;
    size_t rows_seen = 0;
    std::vector<uint64_t> hashes;  // empty until computed
  };
  std::vector<Entry> entries_;  // one per key column
};

/// HashKeyColumns over rows [BEGIN, END) only: entry I of HASHES and KEY_NULL is row BEGIN + I.
/// With a CACHE, dictionaries recurring across calls have their entries hashed once.
void HashKeyRows(std::span<const Column* const> keys, uint64_t seed, size_t begin, size_t end,
                 std::vector<uint64_t>* hashes, std::vector<uint8_t>* key_null,
                 DictionaryHashCache* cache = nullptr);

/// Keeps the candidate pairs (PROBE_ROWS[i], BUILD_ROWS[i]) whose keys are equal in every
/// column (PROBE_KEYS[k] against BUILD_KEYS[k], non-null rows only), compacting both vectors in
/// place, one column at a time.
void KeepEqualKeyPairs(std::span<const Column* const> probe_keys,
                       std::span<const Column* const> build_keys, std::vector<uint32_t>* probe_rows,
                       std::vector<uint32_t>* build_rows);

/// Returns whether row A_ROW of the key columns A equals row B_ROW of B (non-null rows).
bool RowKeysEqual(std::span<const Column* const> a, size_t a_row, std::span<const Column* const> b,
                  size_t b_row);

}  // namespace stedi::sql
