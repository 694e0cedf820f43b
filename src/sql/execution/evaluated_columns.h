#pragma once

#include <deque>
#include <memory>
#include <vector>

#include "columnar/batch.h"
#include "sql/expression/bound_expression.h"
#include "status/result.h"

namespace stedi::sql {

/// The columns of several expressions over one batch. A plain column reference points into the
/// batch (no copy); anything else is evaluated and held here. Valid while the batch lives.
class EvaluatedColumns {
 public:
  /// Evaluates every expression of EXPRS over INPUT.
  Status Evaluate(const std::vector<const BoundExpr*>& exprs, const Batch& input);
  const std::vector<const Column*>& columns() const { return columns_; }
  const Column& operator[](size_t i) const { return *columns_[i]; }

 private:
  std::vector<const Column*> columns_;
  std::deque<Column> owned_;
};

}  // namespace stedi::sql
