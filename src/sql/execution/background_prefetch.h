#pragma once

#include <cstddef>

#include "sql/execution/operator.h"

namespace stedi::sql {

/// Pulls CHILD's batches on a thread of its own, up to DEPTH batches ahead, so that CHILD's
/// subtree and the consumer (another operator, or a Parquet writer) run at the same time on
/// different cores. Errors arrive in order, after the batches before them. CHILD is used only by
/// that thread once the first Next() is called; destroying the operator stops and joins it.
OperatorPtr MakeBackgroundPrefetch(OperatorPtr child, size_t depth = 4);

}  // namespace stedi::sql
