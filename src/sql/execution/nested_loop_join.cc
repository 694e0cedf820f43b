#include <algorithm>

#include "columnar/column_kernels.h"
#include "sql/execution/join.h"
#include "sql/execution/join_pair_processor.h"

namespace stedi::sql {

namespace {

class NestedLoopJoinOperator final : public Operator {
 public:
  NestedLoopJoinOperator(OperatorPtr left, OperatorPtr right, PhysicalJoinType type,
                         BoundExprPtr condition, std::shared_ptr<const Schema> output_schema)
      : left_(std::move(left)),
        right_(std::move(right)),
        type_(type),
        condition_(std::move(condition)),
        output_schema_(std::move(output_schema)),
        processor_(type_, condition_.get(), left_->schema(), right_->schema(), output_schema_) {}

  const std::shared_ptr<const Schema>& schema() const override { return output_schema_; }

  std::string Describe() const override {
    std::string out = "NestedLoopJoin ";
    out +=
        type_ == PhysicalJoinType::kInner && condition_ == nullptr ? "cross" : JoinTypeName(type_);
    if (condition_ != nullptr) out += " on " + condition_->ToString();
    return out;
  }

  Result<std::optional<Batch>> Next() override {
    if (!built_) {
      built_ = true;
      STEDI_RETURN_NOT_OK(MaterializeRight());
    }
    while (true) {
      if (std::optional<Batch> b = processor_.PopReady()) return b;
      if (done_) return std::optional<Batch>();
      STEDI_RETURN_NOT_OK(Step());
    }
  }

 private:
  Status MaterializeRight() {
    std::vector<Batch> batches;
    while (true) {
      STEDI_ASSIGN_OR_RETURN(std::optional<Batch> b, right_->Next());
      if (!b.has_value()) break;
      if (b->num_rows() > 0) batches.push_back(std::move(*b));
    }
    right_rows_ =
        batches.size() == 1 ? std::move(batches[0]) : ConcatenateBatches(right_->schema(), batches);
    processor_.SetBuild(&right_rows_);
    if (right_rows_.num_rows() == 0 && NeedsBuildRows(type_)) done_ = true;
    return Status::OK();
  }

  Status Step() {
    if (!probing_) {
      STEDI_ASSIGN_OR_RETURN(std::optional<Batch> b, left_->Next());
      if (!b.has_value()) {
        STEDI_RETURN_NOT_OK(processor_.EmitUnmatchedBuildRows());
        done_ = true;
        return Status::OK();
      }
      if (b->num_rows() == 0) return Status::OK();
      left_batch_ = std::move(*b);
      processor_.StartProbeBatch(&left_batch_);
      probing_ = true;
      left_row_ = 0;
      right_row_ = 0;
    }
    // Pairs in row-major order, one output batch worth at a time, resuming mid-row.
    const size_t room = processor_.PairRoom();
    const bool skip_matched = processor_.SkipsMatchedLeftRows();
    const size_t left_rows = left_batch_.num_rows();
    const size_t right_rows = right_rows_.num_rows();
    pairs_left_.clear();
    pairs_right_.clear();
    while (left_row_ < left_rows && pairs_left_.size() < room) {
      if (right_rows == 0 || (skip_matched && right_row_ == 0 &&
                              processor_.LeftMatched(static_cast<uint32_t>(left_row_)))) {
        ++left_row_;
        continue;
      }
      const size_t take = std::min(right_rows - right_row_, room - pairs_left_.size());
      for (size_t j = 0; j < take; ++j) {
        pairs_left_.push_back(static_cast<uint32_t>(left_row_));
        pairs_right_.push_back(static_cast<uint32_t>(right_row_ + j));
      }
      right_row_ += take;
      if (right_row_ == right_rows) {
        right_row_ = 0;
        ++left_row_;
      }
    }
    STEDI_RETURN_NOT_OK(processor_.AddCandidatePairs(&pairs_left_, &pairs_right_));
    if (left_row_ == left_rows) {
      BuildSideFacts facts;
      facts.nonempty = right_rows > 0;
      STEDI_RETURN_NOT_OK(processor_.FinishProbeBatch({}, facts));
      probing_ = false;
    }
    return Status::OK();
  }

  OperatorPtr left_, right_;
  PhysicalJoinType type_;
  BoundExprPtr condition_;
  std::shared_ptr<const Schema> output_schema_;
  JoinPairProcessor processor_;
  bool built_ = false;
  bool done_ = false;
  Batch right_rows_;
  bool probing_ = false;
  Batch left_batch_;
  size_t left_row_ = 0;
  size_t right_row_ = 0;
  std::vector<uint32_t> pairs_left_, pairs_right_;
};

}  // namespace

OperatorPtr MakeNestedLoopJoin(OperatorPtr left, OperatorPtr right, PhysicalJoinType type,
                               BoundExprPtr condition, std::shared_ptr<const Schema> output_schema,
                               const ExecutionContext* /*context*/) {
  return std::make_unique<NestedLoopJoinOperator>(std::move(left), std::move(right), type,
                                                  std::move(condition), std::move(output_schema));
}

}  // namespace stedi::sql
