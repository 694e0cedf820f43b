#include "sql/execution/evaluated_columns.h"

#include <string>

#include "sql/expression/evaluator.h"

namespace stedi::sql {

Status EvaluatedColumns::Evaluate(const std::vector<const BoundExpr*>& exprs, const Batch& input) {
  columns_.clear();
  owned_.clear();
  for (const BoundExpr* e : exprs) {
    if (e->kind == BoundExpr::Kind::kColumn && e->column_index < input.num_columns() &&
        input.column(e->column_index).type() == e->type) {
      columns_.push_back(&input.column(e->column_index));
      continue;
    }
    STEDI_ASSIGN_OR_RETURN(Column c, ::stedi::sql::Evaluate(*e, input));
    // Operators lay out their state by the expression's type: a different column is a bug.
    if (c.type() != e->type || c.size() != input.num_rows()) {
      return Status::Internal(
          "expression " + e->ToString() + " evaluated to " + std::to_string(c.size()) +
          " rows of " + std::string(TypeName(c.type())) + ", expected " +
          std::to_string(input.num_rows()) + " rows of " + std::string(TypeName(e->type)));
    }
    owned_.push_back(std::move(c));
    columns_.push_back(&owned_.back());
  }
  return Status::OK();
}

}  // namespace stedi::sql
