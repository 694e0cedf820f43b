#include <algorithm>
#include <array>
#include <functional>

#include "columnar/column_kernels.h"
#include "sql/execution/join.h"
#include "sql/execution/join_hash_table.h"
#include "sql/execution/join_pair_processor.h"
#include "sql/execution/key_hashing.h"
#include "sql/execution/spill_file.h"
#include "sql/expression/evaluator.h"

namespace stedi::sql {

namespace {

// Grace hash join fan-out: each level splits the build side 32 ways; three levels cover a
// build side 32^3 times the memory limit before we give up and build in memory regardless.
constexpr int kPartitionBits = 5;
constexpr size_t kPartitions = size_t{1} << kPartitionBits;
constexpr int kMaxSpillDepth = 3;
// Hash, chain link, bucket head and null flag per build row.
constexpr size_t kTableBytesPerRow = 24;
// How many probe rows ahead the first chain entry is prefetched.
constexpr size_t kPrefetchDistance = 16;

const char* JoinTypeName(PhysicalJoinType type) {
  switch (type) {
    case PhysicalJoinType::kInner:
      return "inner";
    case PhysicalJoinType::kLeft:
      return "left";
    case PhysicalJoinType::kRight:
      return "right";
    case PhysicalJoinType::kFull:
      return "full";
    case PhysicalJoinType::kSemi:
      return "semi";
    case PhysicalJoinType::kAnti:
      return "anti";
    case PhysicalJoinType::kAntiNullAware:
      return "anti-null-aware";
  }
  return "?";
}

size_t BatchBytes(const Batch& b) {
  size_t bytes = 0;
  for (const Column& c : b.columns()) {
    bytes += c.values().size() + c.offsets().size() * sizeof(uint64_t) + c.validity().size();
  }
  return bytes;
}

// True when an empty probe side means no output at all.
bool NeedsProbeRows(PhysicalJoinType type) {
  return type != PhysicalJoinType::kRight && type != PhysicalJoinType::kFull;
}

// Key columns of one batch: column references point into the batch (no copy), other
// expressions are evaluated.
class KeyColumns {
 public:
  Status Evaluate(const std::vector<BoundExprPtr>& exprs, const Batch& batch) {
    owned_.clear();
    owned_.reserve(exprs.size());
    pointers_.clear();
    for (const BoundExprPtr& e : exprs) {
      if (e->kind == BoundExpr::Kind::kColumn) {
        pointers_.push_back(&batch.column(e->column_index));
      } else {
        STEDI_ASSIGN_OR_RETURN(Column c, sql::Evaluate(*e, batch));
        owned_.push_back(std::move(c));
        pointers_.push_back(&owned_.back());
      }
    }
    return Status::OK();
  }
  std::span<const Column* const> columns() const { return pointers_; }

 private:
  std::vector<Column> owned_;  // reserved up front so pointers stay valid
  std::vector<const Column*> pointers_;
};

// Replays one spill file as an operator, so that a partition pair is joined by the same code.
class SpillFileScan final : public Operator {
 public:
  SpillFileScan(std::unique_ptr<SpillFile> file, std::shared_ptr<const Schema> schema)
      : file_(std::move(file)), schema_(std::move(schema)) {}
  const std::shared_ptr<const Schema>& schema() const override { return schema_; }
  // Partitioning cuts each input batch into small pieces; gluing them back to about half a
  // batch keeps the partition join's output batches large.
  Result<std::optional<Batch>> Next() override {
    if (file_ == nullptr) return std::optional<Batch>();
    std::vector<Batch> parts;
    size_t rows = 0;
    while (rows < kBatchRows / 2) {
      STEDI_ASSIGN_OR_RETURN(std::optional<Batch> b, file_->ReadNext());
      if (!b.has_value()) break;
      rows += b->num_rows();
      parts.push_back(std::move(*b));
    }
    if (parts.empty()) return std::optional<Batch>();
    if (parts.size() == 1) return std::optional<Batch>(std::move(parts[0]));
    return std::optional<Batch>(ConcatenateBatches(schema_, parts));
  }
  std::string Describe() const override { return "SpillFileScan"; }

 private:
  std::unique_ptr<SpillFile> file_;  // null: no rows
  std::shared_ptr<const Schema> schema_;
};

// One side of a grace hash join: a lazily created spill file per partition.
struct SpilledSide {
  std::array<std::unique_ptr<SpillFile>, kPartitions> files;
};

class HashJoinOperator final : public Operator {
 public:
  HashJoinOperator(OperatorPtr left, OperatorPtr right, std::shared_ptr<const HashJoinSpec> spec,
                   const ExecutionContext* context, int depth,
                   std::optional<BuildSideFacts> global_facts)
      : left_(std::move(left)),
        right_(std::move(right)),
        spec_(std::move(spec)),
        context_(context),
        depth_(depth),
        global_facts_(global_facts),
        processor_(spec_->type, spec_->residual.get(), left_->schema(), right_->schema(),
                   spec_->output_schema) {}

  const std::shared_ptr<const Schema>& schema() const override { return spec_->output_schema; }

  std::string Describe() const override {
    std::string out = std::string("HashJoin ") + JoinTypeName(spec_->type) + " keys=[";
    for (size_t i = 0; i < spec_->left_keys.size(); ++i) {
      if (i > 0) out += ", ";
      out += spec_->left_keys[i]->ToString() + " = " + spec_->right_keys[i]->ToString();
    }
    out += "]";
    if (spec_->residual != nullptr) out += " residual=" + spec_->residual->ToString();
    return out;
  }

  Result<std::optional<Batch>> Next() override {
    if (!started_) {
      started_ = true;
      STEDI_RETURN_NOT_OK(ConsumeBuildSide());
    }
    while (true) {
      if (std::optional<Batch> b = processor_.PopReady()) return b;
      if (done_) return std::optional<Batch>();
      if (spilled_) {
        STEDI_ASSIGN_OR_RETURN(std::optional<Batch> b, NextFromPartitions());
        if (b.has_value()) return b;
      } else {
        STEDI_RETURN_NOT_OK(ProbeStep());
      }
    }
  }

 private:
  BuildSideFacts facts() const { return global_facts_.value_or(local_facts_); }

  bool MaySpill() const {
    return depth_ < kMaxSpillDepth && context_ != nullptr && context_->fs != nullptr &&
           !context_->temp_dir.empty();
  }

  Status ConsumeBuildSide() {
    std::vector<Batch> batches;
    size_t bytes = 0;
    while (true) {
      STEDI_ASSIGN_OR_RETURN(std::optional<Batch> b, right_->Next());
      if (!b.has_value()) break;
      if (b->num_rows() == 0) continue;
      bytes += BatchBytes(*b) + b->num_rows() * kTableBytesPerRow;
      batches.push_back(std::move(*b));
      // Without a place to spill, the limit cannot be honoured; the join still runs in memory.
      if (MaySpill() && bytes > context_->memory_limit_bytes) {
        return SpillBothSides(std::move(batches));
      }
    }
    return BuildInMemory(std::move(batches));
  }

  Status BuildInMemory(std::vector<Batch> batches) {
    if (batches.size() == 1) {
      build_ = std::move(batches[0]);
    } else {
      build_ = ConcatenateBatches(right_->schema(), batches);
    }
    batches.clear();
    STEDI_RETURN_NOT_OK(build_keys_.Evaluate(spec_->right_keys, build_));
    std::vector<uint64_t> hashes;
    std::vector<uint8_t> key_null;
    HashKeyColumns(build_keys_.columns(), 0, build_.num_rows(), &hashes, &key_null);
    local_facts_.nonempty = build_.num_rows() > 0;
    local_facts_.has_null_key =
        std::find(key_null.begin(), key_null.end(), uint8_t{1}) != key_null.end();
    if (processor_.SkipsMatchedLeftRows() && spec_->residual == nullptr) {
      const std::function<bool(uint32_t, uint32_t)> same_key = [this](uint32_t a, uint32_t b) {
        return RowKeysEqual(build_keys_.columns(), a, build_keys_.columns(), b);
      };
      table_.Build(hashes, key_null, &same_key);
    } else {
      table_.Build(hashes, key_null);
    }
    processor_.SetBuild(&build_);
    if (build_.num_rows() == 0 && NeedsBuildRows(spec_->type)) done_ = true;
    if (spec_->type == PhysicalJoinType::kAntiNullAware && facts().has_null_key) done_ = true;
    return Status::OK();
  }

  Status ProbeStep() {
    if (!probing_) {
      STEDI_ASSIGN_OR_RETURN(std::optional<Batch> b, left_->Next());
      if (!b.has_value()) {
        STEDI_RETURN_NOT_OK(processor_.EmitUnmatchedBuildRows());
        done_ = true;
        return Status::OK();
      }
      if (b->num_rows() == 0) return Status::OK();
      probe_ = std::move(*b);
      STEDI_RETURN_NOT_OK(probe_keys_.Evaluate(spec_->left_keys, probe_));
      HashKeyColumns(probe_keys_.columns(), 0, probe_.num_rows(), &probe_hashes_, &probe_key_null_);
      table_.FirstOfEach(probe_hashes_, &probe_heads_);
      processor_.StartProbeBatch(&probe_);
      probing_ = true;
      probe_row_ = 0;
      in_chain_ = false;
    }
    // Walk hash chains until one output batch worth of candidates is gathered; the position
    // (probe_row_, chain_) survives so that a large fan-out streams out in pieces.
    const size_t room = processor_.PairRoom();
    const bool skip_matched = processor_.SkipsMatchedLeftRows();
    const size_t rows = probe_.num_rows();
    // Locals rather than members inside the loop: the compiler can keep them in registers.
    candidate_left_.resize(room);
    candidate_build_.resize(room);
    uint32_t* out_left = candidate_left_.data();
    uint32_t* out_build = candidate_build_.data();
    size_t found = 0;
    size_t row = probe_row_;
    uint32_t chain = chain_;
    bool in_chain = in_chain_;
    const uint64_t* hashes = probe_hashes_.data();
    const uint8_t* key_null = probe_key_null_.data();
    const uint32_t* heads = probe_heads_.data();
    while (row < rows && found < room) {
      if (!in_chain) {
        if (row + kPrefetchDistance < rows) table_.Prefetch(heads[row + kPrefetchDistance]);
        if (key_null[row] || (skip_matched && processor_.LeftMatched(static_cast<uint32_t>(row)))) {
          ++row;
          continue;
        }
        chain = heads[row];
        in_chain = true;
      }
      const uint64_t h = hashes[row];
      while (chain != JoinHashTable::kEnd && found < room) {
        out_left[found] = static_cast<uint32_t>(row);
        out_build[found] = chain;
        found += table_.hash(chain) == h ? 1 : 0;
        chain = table_.Next(chain);
      }
      if (chain == JoinHashTable::kEnd) {
        in_chain = false;
        ++row;
      }
    }
    probe_row_ = row;
    chain_ = chain;
    in_chain_ = in_chain;
    candidate_left_.resize(found);
    candidate_build_.resize(found);
    KeepEqualKeyPairs(probe_keys_.columns(), build_keys_.columns(), &candidate_left_,
                      &candidate_build_);
    STEDI_RETURN_NOT_OK(processor_.AddCandidatePairs(&candidate_left_, &candidate_build_));
    if (probe_row_ == rows) {
      STEDI_RETURN_NOT_OK(processor_.FinishProbeBatch(probe_key_null_, facts()));
      probing_ = false;
    }
    return Status::OK();
  }

  // Appends BATCH's rows to their partitions' spill files by key hash (a seed per depth, so a
  // partition that is split again spreads out).
  Status Partition(const Batch& batch, const std::vector<BoundExprPtr>& key_exprs,
                   const std::shared_ptr<const Schema>& schema, SpilledSide* side,
                   bool track_facts) {
    KeyColumns keys;
    STEDI_RETURN_NOT_OK(keys.Evaluate(key_exprs, batch));
    std::vector<uint64_t> hashes;
    std::vector<uint8_t> key_null;
    HashKeyColumns(keys.columns(), static_cast<uint64_t>(depth_) + 1, batch.num_rows(), &hashes,
                   &key_null);
    std::array<std::vector<uint32_t>, kPartitions> rows;
    for (size_t r = 0; r < batch.num_rows(); ++r) {
      rows[hashes[r] >> (64 - kPartitionBits)].push_back(static_cast<uint32_t>(r));
      if (track_facts && key_null[r]) local_facts_.has_null_key = true;
    }
    if (track_facts && batch.num_rows() > 0) local_facts_.nonempty = true;
    for (size_t p = 0; p < kPartitions; ++p) {
      if (rows[p].empty()) continue;
      if (side->files[p] == nullptr) {
        STEDI_ASSIGN_OR_RETURN(side->files[p], SpillFile::Create(context_, schema));
      }
      STEDI_RETURN_NOT_OK(side->files[p]->Append(
          rows[p].size() == batch.num_rows() ? batch : TakeBatch(batch, rows[p])));
    }
    return Status::OK();
  }

  Status SpillBothSides(std::vector<Batch> batches) {
    spilled_ = true;
    for (Batch& b : batches) {
      STEDI_RETURN_NOT_OK(Partition(b, spec_->right_keys, right_->schema(), &build_files_, true));
      b = Batch();
    }
    while (true) {
      STEDI_ASSIGN_OR_RETURN(std::optional<Batch> b, right_->Next());
      if (!b.has_value()) break;
      STEDI_RETURN_NOT_OK(Partition(*b, spec_->right_keys, right_->schema(), &build_files_, true));
    }
    if (spec_->type == PhysicalJoinType::kAntiNullAware && facts().has_null_key) {
      done_ = true;
      return Status::OK();
    }
    while (true) {
      STEDI_ASSIGN_OR_RETURN(std::optional<Batch> b, left_->Next());
      if (!b.has_value()) break;
      STEDI_RETURN_NOT_OK(Partition(*b, spec_->left_keys, left_->schema(), &probe_files_, false));
    }
    for (size_t p = 0; p < kPartitions; ++p) {
      if (build_files_.files[p]) STEDI_RETURN_NOT_OK(build_files_.files[p]->FinishWriting());
      if (probe_files_.files[p]) STEDI_RETURN_NOT_OK(probe_files_.files[p]->FinishWriting());
    }
    // Partition joins must judge NOT IN against the whole build side, not their slice.
    if (!global_facts_.has_value()) global_facts_ = local_facts_;
    return Status::OK();
  }

  // Joins the partition pairs one at a time; each pair's files are deleted as soon as its join
  // is done.
  Result<std::optional<Batch>> NextFromPartitions() {
    while (true) {
      if (partition_join_ == nullptr) {
        while (next_partition_ < kPartitions) {
          const size_t p = next_partition_;
          const bool has_build = build_files_.files[p] != nullptr;
          const bool has_probe = probe_files_.files[p] != nullptr;
          if ((has_build || has_probe) && (has_build || !NeedsBuildRows(spec_->type)) &&
              (has_probe || !NeedsProbeRows(spec_->type))) {
            break;
          }
          build_files_.files[p].reset();
          probe_files_.files[p].reset();
          ++next_partition_;
        }
        if (next_partition_ == kPartitions) {
          done_ = true;
          return std::optional<Batch>();
        }
        const size_t p = next_partition_++;
        partition_join_ = std::make_unique<HashJoinOperator>(
            std::make_unique<SpillFileScan>(std::move(probe_files_.files[p]), left_->schema()),
            std::make_unique<SpillFileScan>(std::move(build_files_.files[p]), right_->schema()),
            spec_, context_, depth_ + 1, global_facts_);
      }
      STEDI_ASSIGN_OR_RETURN(std::optional<Batch> b, partition_join_->Next());
      if (b.has_value()) return b;
      partition_join_.reset();
    }
  }

  OperatorPtr left_, right_;
  std::shared_ptr<const HashJoinSpec> spec_;
  const ExecutionContext* context_;
  int depth_;
  std::optional<BuildSideFacts> global_facts_;
  BuildSideFacts local_facts_;
  JoinPairProcessor processor_;
  bool started_ = false;
  bool done_ = false;

  // In-memory join.
  Batch build_;
  KeyColumns build_keys_;
  JoinHashTable table_;
  bool probing_ = false;
  Batch probe_;
  KeyColumns probe_keys_;
  std::vector<uint64_t> probe_hashes_;
  std::vector<uint8_t> probe_key_null_;
  std::vector<uint32_t> probe_heads_;
  size_t probe_row_ = 0;
  bool in_chain_ = false;
  uint32_t chain_ = JoinHashTable::kEnd;
  std::vector<uint32_t> candidate_left_, candidate_build_;

  // Grace hash join.
  bool spilled_ = false;
  SpilledSide build_files_, probe_files_;
  size_t next_partition_ = 0;
  std::unique_ptr<HashJoinOperator> partition_join_;
};

}  // namespace

OperatorPtr MakeHashJoin(OperatorPtr left, OperatorPtr right, HashJoinSpec spec,
                         const ExecutionContext* context) {
  return std::make_unique<HashJoinOperator>(std::move(left), std::move(right),
                                            std::make_shared<const HashJoinSpec>(std::move(spec)),
                                            context, 0, std::nullopt);
}

}  // namespace stedi::sql
