#include "sql/execution/join_pair_processor.h"

#include <algorithm>

#include "columnar/column_kernels.h"
#include "sql/execution/operator.h"
#include "sql/expression/evaluator.h"

namespace stedi::sql {

namespace {

void CollectColumns(const BoundExpr& e, std::vector<size_t>* out) {
  if (e.kind == BoundExpr::Kind::kColumn) out->push_back(e.column_index);
  for (const auto& a : e.args) CollectColumns(*a, out);
}

void RemapColumns(BoundExpr* e, const std::vector<size_t>& referenced) {
  if (e->kind == BoundExpr::Kind::kColumn) {
    e->column_index = static_cast<size_t>(
        std::lower_bound(referenced.begin(), referenced.end(), e->column_index) -
        referenced.begin());
  }
  for (auto& a : e->args) RemapColumns(a.get(), referenced);
}

// TakeColumn where kNoRow yields NULL (outer joins' missing side).
Column TakeColumnOrNull(const Column& source, std::span<const uint32_t> rows) {
  if (std::find(rows.begin(), rows.end(), JoinPairProcessor::kNoRow) == rows.end()) {
    return TakeColumn(source, rows);
  }
  ColumnBuilder out(source.type());
  out.Reserve(rows.size());
  for (uint32_t r : rows) {
    if (r == JoinPairProcessor::kNoRow) {
      out.AppendNull();
    } else {
      out.AppendFrom(source, r);
    }
  }
  return out.Finish();
}

void Compact(std::vector<uint32_t>* v, std::span<const uint32_t> keep) {
  for (size_t i = 0; i < keep.size(); ++i) (*v)[i] = (*v)[keep[i]];
  v->resize(keep.size());
}

}  // namespace

JoinPairProcessor::JoinPairProcessor(PhysicalJoinType type, const BoundExpr* residual,
                                     std::shared_ptr<const Schema> left_schema,
                                     std::shared_ptr<const Schema> right_schema,
                                     std::shared_ptr<const Schema> output_schema)
    : type_(type),
      left_schema_(std::move(left_schema)),
      right_schema_(std::move(right_schema)),
      output_schema_(std::move(output_schema)) {
  if (residual != nullptr) {
    CollectColumns(*residual, &residual_columns_);
    std::sort(residual_columns_.begin(), residual_columns_.end());
    residual_columns_.erase(std::unique(residual_columns_.begin(), residual_columns_.end()),
                            residual_columns_.end());
    residual_ = residual->Clone();
    RemapColumns(residual_.get(), residual_columns_);
    std::vector<Field> fields;
    const size_t left_width = left_schema_->num_fields();
    for (size_t c : residual_columns_) {
      fields.push_back(c < left_width ? left_schema_->field(c)
                                      : right_schema_->field(c - left_width));
    }
    residual_schema_ = std::make_shared<Schema>(std::move(fields));
  }
}

bool JoinPairProcessor::EmitsPairs() const {
  return type_ == PhysicalJoinType::kInner || type_ == PhysicalJoinType::kLeft ||
         type_ == PhysicalJoinType::kRight || type_ == PhysicalJoinType::kFull;
}

bool JoinPairProcessor::SkipsMatchedLeftRows() const {
  return type_ == PhysicalJoinType::kSemi || type_ == PhysicalJoinType::kAnti ||
         type_ == PhysicalJoinType::kAntiNullAware;
}

void JoinPairProcessor::SetBuild(const Batch* build) {
  build_ = build;
  if (TracksBuildRows(type_)) build_matched_.assign(build->num_rows(), 0);
}

void JoinPairProcessor::StartProbeBatch(Batch* left) {
  StartProbeRange(left, 0, left->num_rows());
  owned_left_ = left;
}

void JoinPairProcessor::StartProbeRange(const Batch* left, size_t begin, size_t end) {
  left_ = left;
  owned_left_ = nullptr;
  left_begin_ = begin;
  left_end_ = end;
  left_matched_.assign(end - begin, 0);
}

size_t JoinPairProcessor::PairRoom() const {
  if (!EmitsPairs()) return Operator::kBatchRows;
  return Operator::kBatchRows - std::min(Operator::kBatchRows, pending_left_.size());
}

Status JoinPairProcessor::ApplyResidual(std::vector<uint32_t>* left_rows,
                                        std::vector<uint32_t>* build_rows) {
  if (residual_ == nullptr || left_rows->empty()) return Status::OK();
  const size_t left_width = left_schema_->num_fields();
  std::vector<Column> columns;
  columns.reserve(residual_columns_.size());
  for (size_t c : residual_columns_) {
    columns.push_back(c < left_width ? TakeColumn(left_->column(c), *left_rows)
                                     : TakeColumn(build_->column(c - left_width), *build_rows));
  }
  Batch candidates(residual_schema_, std::move(columns), left_rows->size());
  STEDI_ASSIGN_OR_RETURN(std::vector<uint32_t> keep, EvaluateFilter(*residual_, candidates));
  Compact(left_rows, keep);
  Compact(build_rows, keep);
  return Status::OK();
}

Status JoinPairProcessor::AddCandidatePairs(std::vector<uint32_t>* left_rows,
                                            std::vector<uint32_t>* build_rows) {
  STEDI_RETURN_NOT_OK(ApplyResidual(left_rows, build_rows));
  for (uint32_t l : *left_rows) left_matched_[l - left_begin_] = 1;
  if (!build_matched_.empty()) {
    for (uint32_t b : *build_rows) build_matched_[b] = 1;
  }
  if (EmitsPairs()) {
    pending_left_.insert(pending_left_.end(), left_rows->begin(), left_rows->end());
    pending_build_.insert(pending_build_.end(), build_rows->begin(), build_rows->end());
    FlushPending(/*all=*/false);
  }
  return Status::OK();
}

Status JoinPairProcessor::FinishProbeBatch(std::span<const uint8_t> left_key_null,
                                           BuildSideFacts facts) {
  const size_t n = left_end_ - left_begin_;
  if (type_ == PhysicalJoinType::kLeft || type_ == PhysicalJoinType::kFull) {
    for (size_t r = 0; r < n; ++r) {
      if (!left_matched_[r]) {
        pending_left_.push_back(static_cast<uint32_t>(left_begin_ + r));
        pending_build_.push_back(kNoRow);
      }
    }
  }
  if (EmitsPairs()) {
    FlushPending(/*all=*/true);
    return Status::OK();
  }
  // The right-hand semi and anti joins output build rows only, at the end.
  if (TracksBuildRows(type_)) return Status::OK();
  std::vector<uint32_t> keep;
  keep.reserve(n);
  for (size_t r = 0; r < n; ++r) {
    bool out;
    switch (type_) {
      case PhysicalJoinType::kSemi:
        out = left_matched_[r];
        break;
      case PhysicalJoinType::kAntiNullAware:
        // x NOT IN (set): false on a match, NULL when x is NULL (non-empty set) or the set
        // holds a NULL; only a definite TRUE keeps the row.
        out = !left_matched_[r] && !facts.has_null_key &&
              !(facts.nonempty && !left_key_null.empty() && left_key_null[r]);
        break;
      default:
        out = !left_matched_[r];
        break;
    }
    if (out) keep.push_back(static_cast<uint32_t>(left_begin_ + r));
  }
  if (keep.empty()) return Status::OK();
  // Every row of an owned batch kept: the batch is done with, so its columns move on instead of
  // being copied.
  const bool release = owned_left_ != nullptr && keep.size() == owned_left_->num_rows();
  std::vector<Column> columns;
  columns.reserve(left_->num_columns());
  for (size_t c = 0; c < left_->num_columns(); ++c) {
    columns.push_back(release ? owned_left_->ReleaseColumn(c) : TakeColumn(left_->column(c), keep));
  }
  ready_.emplace_back(output_schema_, std::move(columns), keep.size());
  return Status::OK();
}

Status JoinPairProcessor::EmitUnmatchedBuildRows() {
  if (build_matched_.empty()) return Status::OK();
  // Right semi joins keep the matched build rows and output no left column.
  const bool keep_matched = type_ == PhysicalJoinType::kRightSemi;
  const size_t left_width =
      type_ == PhysicalJoinType::kRightSemi || type_ == PhysicalJoinType::kRightAnti
          ? 0
          : left_schema_->num_fields();
  std::vector<uint32_t> rows;
  auto emit = [&] {
    std::vector<Column> columns;
    columns.reserve(output_schema_->num_fields());
    for (size_t c = 0; c < left_width; ++c) {
      columns.push_back(NullColumn(left_schema_->field(c).type, rows.size()));
    }
    for (const Column& c : build_->columns()) columns.push_back(TakeColumn(c, rows));
    ready_.emplace_back(output_schema_, std::move(columns), rows.size());
    rows.clear();
  };
  for (size_t r = 0; r < build_matched_.size(); ++r) {
    if ((build_matched_[r] != 0) != keep_matched) continue;
    rows.push_back(static_cast<uint32_t>(r));
    if (rows.size() == Operator::kBatchRows) emit();
  }
  if (!rows.empty()) emit();
  return Status::OK();
}

Batch JoinPairProcessor::MaterializePairs(std::span<const uint32_t> left_rows,
                                          std::span<const uint32_t> build_rows) {
  std::vector<Column> columns;
  columns.reserve(output_schema_->num_fields());
  for (const Column& c : left_->columns()) columns.push_back(TakeColumn(c, left_rows));
  for (const Column& c : build_->columns()) columns.push_back(TakeColumnOrNull(c, build_rows));
  return Batch(output_schema_, std::move(columns), left_rows.size());
}

void JoinPairProcessor::FlushPending(bool all) {
  const size_t total = pending_left_.size();
  size_t at = 0;
  while (total - at >= Operator::kBatchRows || (all && at < total)) {
    const size_t n = std::min(Operator::kBatchRows, total - at);
    ready_.push_back(MaterializePairs(std::span(pending_left_).subspan(at, n),
                                      std::span(pending_build_).subspan(at, n)));
    at += n;
  }
  pending_left_.erase(pending_left_.begin(), pending_left_.begin() + at);
  pending_build_.erase(pending_build_.begin(), pending_build_.begin() + at);
}

std::optional<Batch> JoinPairProcessor::PopReady() {
  if (ready_.empty()) return std::nullopt;
  Batch b = std::move(ready_.front());
  ready_.pop_front();
  return b;
}

}  // namespace stedi::sql
