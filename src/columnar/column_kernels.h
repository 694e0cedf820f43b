#pragma once

#include <cstdint>
#include <memory>
#include <span>
#include <vector>

#include "columnar/batch.h"
#include "columnar/column.h"

namespace stedi {

/// Returns the rows ROWS of SOURCE, in that order (rows may repeat).
Column TakeColumn(const Column& source, std::span<const uint32_t> rows);
/// Returns the rows ROWS of every column of SOURCE.
Batch TakeBatch(const Batch& source, std::span<const uint32_t> rows);
/// Returns COUNT copies of row ROW of SOURCE (broadcasts a scalar to a batch length).
Column RepeatValue(const Column& source, size_t row, size_t count);
/// Returns a column of COUNT nulls of TYPE.
Column NullColumn(TypeId type, size_t count);
/// Concatenates COLUMNS (all of one type), given by value or by pointer.
Column ConcatenateColumns(std::span<const Column> columns);
Column ConcatenateColumns(std::span<const Column* const> columns);
/// Returns SOURCE, a plain string or binary column without nulls, as codes 0..size()-1 of a
/// dictionary that is SOURCE itself (moved, not copied). Gathers from it then copy four-byte
/// codes instead of strings, and later hashing and writing see each row's entry once. The
/// entries need not be distinct.
Column AsIdentityDictionary(Column source);
/// Concatenates BATCHES, which share SCHEMA; an empty list gives an empty batch of SCHEMA.
Batch ConcatenateBatches(const std::shared_ptr<const Schema>& schema,
                         std::span<const Batch> batches);

}  // namespace stedi
