#pragma once

#include <cstdint>
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
/// HashKeyColumns over rows [BEGIN, END) only: entry I of HASHES and KEY_NULL is row BEGIN + I.
void HashKeyRows(std::span<const Column* const> keys, uint64_t seed, size_t begin, size_t end,
                 std::vector<uint64_t>* hashes, std::vector<uint8_t>* key_null);

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
