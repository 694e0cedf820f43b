#pragma once

#include <cstdint>
#include <optional>
#include <vector>

#include "columnar/column.h"
#include "sql/execution/sort.h"

namespace stedi::sql {

/// Returns the positions of rows 0..ROWS-1 in the stable order of COLUMNS (one per key, already
/// evaluated) under KEYS' directions. With LIMIT, returns only the first LIMIT positions.
std::vector<uint32_t> SortedRowOrder(const std::vector<const Column*>& columns,
                                     const std::vector<SortKey>& keys, size_t rows,
                                     std::optional<size_t> limit = std::nullopt);

}  // namespace stedi::sql
