#include "sql/execution/relational_operators.h"

#include <numeric>

#include "columnar/column_kernels.h"
#include "sql/expression/evaluator.h"

namespace stedi::sql {

namespace {

class FilterOperator : public Operator {
 public:
  FilterOperator(OperatorPtr child, BoundExprPtr predicate)
      : child_(std::move(child)), predicate_(std::move(predicate)) {}

  const std::shared_ptr<const Schema>& schema() const override { return child_->schema(); }

  Result<std::optional<Batch>> Next() override {
    // Batches where nothing qualifies are skipped: Next() promises a non-empty batch.
    while (true) {
      STEDI_ASSIGN_OR_RETURN(std::optional<Batch> batch, child_->Next());
      if (!batch) return std::optional<Batch>();
      STEDI_ASSIGN_OR_RETURN(std::vector<uint32_t> rows, EvaluateFilter(*predicate_, *batch));
      if (rows.empty()) continue;
      if (rows.size() == batch->num_rows()) return batch;
      return std::optional<Batch>(TakeBatch(*batch, rows));
    }
  }

  std::string Describe() const override { return "Filter " + predicate_->ToString(); }

 private:
  OperatorPtr child_;
  BoundExprPtr predicate_;
};

class ProjectionOperator : public Operator {
 public:
  ProjectionOperator(OperatorPtr child, std::vector<BoundExprPtr> expressions,
                     std::shared_ptr<const Schema> schema)
      : child_(std::move(child)),
        expressions_(std::move(expressions)),
        schema_(std::move(schema)),
        last_use_(expressions_.size(), false) {
    // A column reference may move its input column only if no later reference reads it.
    std::vector<bool> seen;
    for (size_t i = expressions_.size(); i-- > 0;) {
      const BoundExpr& e = *expressions_[i];
      if (e.kind != BoundExpr::Kind::kColumn) continue;
      if (seen.size() <= e.column_index) seen.resize(e.column_index + 1, false);
      last_use_[i] = !seen[e.column_index];
      seen[e.column_index] = true;
    }
  }

  const std::shared_ptr<const Schema>& schema() const override { return schema_; }

  Result<std::optional<Batch>> Next() override {
    while (true) {
      STEDI_ASSIGN_OR_RETURN(std::optional<Batch> batch, child_->Next());
      if (!batch) return std::optional<Batch>();
      if (batch->num_rows() == 0) continue;
      // Computed columns first, while every input column is still in place; then plain
      // column references, moved out of the batch at their last use instead of copied.
      std::vector<Column> columns(expressions_.size());
      for (size_t i = 0; i < expressions_.size(); ++i) {
        if (expressions_[i]->kind == BoundExpr::Kind::kColumn) continue;
        STEDI_ASSIGN_OR_RETURN(columns[i], Evaluate(*expressions_[i], *batch));
      }
      for (size_t i = 0; i < expressions_.size(); ++i) {
        const BoundExpr& e = *expressions_[i];
        if (e.kind != BoundExpr::Kind::kColumn) continue;
        if (last_use_[i]) {
          columns[i] = batch->ReleaseColumn(e.column_index);
        } else {
          columns[i] = batch->column(e.column_index);
        }
      }
      return std::optional<Batch>(Batch(schema_, std::move(columns), batch->num_rows()));
    }
  }

  std::string Describe() const override {
    std::string out = "Projection [";
    for (size_t i = 0; i < expressions_.size(); ++i) {
      out += (i > 0 ? ", " : "") + expressions_[i]->ToString();
    }
    return out + "]";
  }

 private:
  OperatorPtr child_;
  std::vector<BoundExprPtr> expressions_;
  std::shared_ptr<const Schema> schema_;
  std::vector<bool> last_use_;
};

// Returns rows [BEGIN, END) of BATCH.
Batch SliceBatch(const Batch& batch, size_t begin, size_t end) {
  if (begin == 0 && end == batch.num_rows()) return batch;
  std::vector<uint32_t> rows(end - begin);
  std::iota(rows.begin(), rows.end(), static_cast<uint32_t>(begin));
  return TakeBatch(batch, rows);
}

class LimitOperator : public Operator {
 public:
  LimitOperator(OperatorPtr child, std::optional<size_t> limit, size_t offset)
      : child_(std::move(child)), limit_(limit), to_skip_(offset), offset_(offset) {}

  const std::shared_ptr<const Schema>& schema() const override { return child_->schema(); }

  Result<std::optional<Batch>> Next() override {
    while (true) {
      // Once the limit is met the child is not pulled again, so scans below stop reading.
      if (limit_ && emitted_ >= *limit_) return std::optional<Batch>();
      STEDI_ASSIGN_OR_RETURN(std::optional<Batch> batch, child_->Next());
      if (!batch) return std::optional<Batch>();
      const size_t rows = batch->num_rows();
      if (to_skip_ >= rows) {
        to_skip_ -= rows;
        continue;
      }
      const size_t begin = to_skip_;
      to_skip_ = 0;
      size_t end = rows;
      if (limit_) end = std::min(end, begin + (*limit_ - emitted_));
      emitted_ += end - begin;
      return std::optional<Batch>(SliceBatch(*batch, begin, end));
    }
  }

  std::string Describe() const override {
    std::string out = "Limit";
    out += limit_ ? " " + std::to_string(*limit_) : " all";
    if (offset_ > 0) out += " offset " + std::to_string(offset_);
    return out;
  }

 private:
  OperatorPtr child_;
  std::optional<size_t> limit_;
  size_t to_skip_;
  size_t offset_;
  size_t emitted_ = 0;
};

class UnionAllOperator : public Operator {
 public:
  UnionAllOperator(std::vector<OperatorPtr> children, std::shared_ptr<const Schema> schema)
      : children_(std::move(children)), schema_(std::move(schema)) {}

  const std::shared_ptr<const Schema>& schema() const override { return schema_; }

  Result<std::optional<Batch>> Next() override {
    while (current_ < children_.size()) {
      STEDI_ASSIGN_OR_RETURN(std::optional<Batch> batch, children_[current_]->Next());
      if (!batch) {
        ++current_;
        continue;
      }
      if (batch->num_rows() == 0) continue;
      if (batch->schema() == schema_) return batch;
      // Children name their columns their own way; the union's batches carry its schema.
      return std::optional<Batch>(Batch(schema_, batch->columns(), batch->num_rows()));
    }
    return std::optional<Batch>();
  }

  std::string Describe() const override {
    return "UnionAll " + std::to_string(children_.size()) + " inputs";
  }

 private:
  std::vector<OperatorPtr> children_;
  std::shared_ptr<const Schema> schema_;
  size_t current_ = 0;
};

class SingleRowOperator : public Operator {
 public:
  SingleRowOperator() : schema_(std::make_shared<const Schema>()) {}

  const std::shared_ptr<const Schema>& schema() const override { return schema_; }

  Result<std::optional<Batch>> Next() override {
    if (done_) return std::optional<Batch>();
    done_ = true;
    return std::optional<Batch>(Batch(schema_, {}, 1));
  }

  std::string Describe() const override { return "SingleRow"; }

 private:
  std::shared_ptr<const Schema> schema_;
  bool done_ = false;
};

class BatchSourceOperator : public Operator {
 public:
  BatchSourceOperator(std::shared_ptr<const Schema> schema, std::vector<Batch> batches)
      : schema_(std::move(schema)), batches_(std::move(batches)) {}

  const std::shared_ptr<const Schema>& schema() const override { return schema_; }

  Result<std::optional<Batch>> Next() override {
    while (next_ < batches_.size()) {
      Batch& b = batches_[next_++];
      if (b.num_rows() > 0) return std::optional<Batch>(std::move(b));
    }
    return std::optional<Batch>();
  }

  std::string Describe() const override {
    return "BatchSource " + std::to_string(batches_.size()) + " batches";
  }

 private:
  std::shared_ptr<const Schema> schema_;
  std::vector<Batch> batches_;
  size_t next_ = 0;
};

}  // namespace

OperatorPtr MakeFilter(OperatorPtr child, BoundExprPtr predicate) {
  return std::make_unique<FilterOperator>(std::move(child), std::move(predicate));
}

OperatorPtr MakeProjection(OperatorPtr child, std::vector<BoundExprPtr> expressions,
                           std::shared_ptr<const Schema> output_schema) {
  return std::make_unique<ProjectionOperator>(std::move(child), std::move(expressions),
                                              std::move(output_schema));
}

OperatorPtr MakeLimit(OperatorPtr child, std::optional<size_t> limit, size_t offset) {
  return std::make_unique<LimitOperator>(std::move(child), limit, offset);
}

OperatorPtr MakeUnionAll(std::vector<OperatorPtr> children,
                         std::shared_ptr<const Schema> output_schema) {
  return std::make_unique<UnionAllOperator>(std::move(children), std::move(output_schema));
}

OperatorPtr MakeSingleRow() { return std::make_unique<SingleRowOperator>(); }

OperatorPtr MakeBatchSource(std::shared_ptr<const Schema> schema, std::vector<Batch> batches) {
  return std::make_unique<BatchSourceOperator>(std::move(schema), std::move(batches));
}

}  // namespace stedi::sql
