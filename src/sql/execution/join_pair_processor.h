#pragma once

#include <cstdint>
#include <deque>
#include <memory>
#include <optional>
#include <span>
#include <vector>

#include "columnar/batch.h"
#include "sql/execution/join.h"
#include "sql/expression/bound_expression.h"
#include "status/result.h"

namespace stedi::sql {

/// What the whole build side of a join looked like; NOT IN needs it even when only one
/// partition of the build side is at hand.
struct BuildSideFacts {
  bool nonempty = false;
  bool has_null_key = false;
};

/// The half of a join shared by hash and nested-loop joins: takes candidate pairs (left row,
/// build row) that already satisfy the equality keys, applies the residual condition, tracks
/// which rows matched and turns pairs and unmatched rows into output batches of at most
/// Operator::kBatchRows rows, queued for PopReady().
class JoinPairProcessor {
 public:
  static constexpr uint32_t kNoRow = UINT32_MAX;

  /// RESIDUAL (may be null) reads the concatenated row: LEFT_SCHEMA's columns, then
  /// RIGHT_SCHEMA's.
  JoinPairProcessor(PhysicalJoinType type, const BoundExpr* residual,
                    std::shared_ptr<const Schema> left_schema,
                    std::shared_ptr<const Schema> right_schema,
                    std::shared_ptr<const Schema> output_schema);

  /// Sets the materialised build (right) side; it must outlive the processor's use of it.
  void SetBuild(const Batch* build);
  /// Starts the pairs of one left batch, which must stay alive until FinishProbeBatch. When a
  /// semi or anti join keeps all its rows, FinishProbeBatch moves its columns out.
  void StartProbeBatch(Batch* left);
  /// Starts the pairs of rows [BEGIN, END) of LEFT, a batch other processors may be reading too
  /// (its columns are never moved out). Left rows in pairs are LEFT's row numbers.
  void StartProbeRange(const Batch* left, size_t begin, size_t end);
  /// Returns how many candidate pairs the next AddCandidatePairs may take, so that pending
  /// output never exceeds one batch.
  size_t PairRoom() const;
  /// Whether left rows that already matched can be skipped (semi and anti joins, not their
  /// right-hand forms: every build row a left row matches must be marked).
  bool SkipsMatchedLeftRows() const;
  bool LeftMatched(uint32_t row) const { return left_matched_[row - left_begin_] != 0; }
  /// Consumes the candidate pairs (the vectors are reused as scratch).
  Status AddCandidatePairs(std::vector<uint32_t>* left_rows, std::vector<uint32_t>* build_rows);
  /// Ends the current left batch: emits its unmatched rows (left/full/anti) or matched rows
  /// (semi). LEFT_KEY_NULL (one per row of the range, or empty when the join has no keys) and
  /// FACTS decide NOT IN.
  Status FinishProbeBatch(std::span<const uint8_t> left_key_null, BuildSideFacts facts);
  /// At the end of the probe side: emits the build rows no pair matched, left columns NULL
  /// (right/full joins), or the build rows some pair matched / none did, build columns only
  /// (right semi / right anti joins); else nothing.
  Status EmitUnmatchedBuildRows();

  std::optional<Batch> PopReady();
  /// Output batches waiting for PopReady.
  size_t ReadyBatches() const { return ready_.size(); }

 private:
  Status ApplyResidual(std::vector<uint32_t>* left_rows, std::vector<uint32_t>* build_rows);
  void FlushPending(bool all);
  Batch MaterializePairs(std::span<const uint32_t> left_rows, std::span<const uint32_t> build_rows);
  bool EmitsPairs() const;

  PhysicalJoinType type_;
  std::shared_ptr<const Schema> left_schema_, right_schema_, output_schema_;
  // The residual rewritten to read a compact batch of just the columns it references.
  BoundExprPtr residual_;
  std::vector<size_t> residual_columns_;  // positions in the concatenated row
  std::shared_ptr<const Schema> residual_schema_;

  const Batch* build_ = nullptr;
  const Batch* left_ = nullptr;
  Batch* owned_left_ = nullptr;  // LEFT_ when its columns may be moved out
  size_t left_begin_ = 0, left_end_ = 0;
  std::vector<uint8_t> left_matched_;
  std::vector<uint8_t> build_matched_;
  std::vector<uint32_t> pending_left_, pending_build_;
  std::deque<Batch> ready_;
};

}  // namespace stedi::sql
