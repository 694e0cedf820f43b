#include <algorithm>
#include <string>
#include <vector>

#include "columnar/column_kernels.h"
#include "sql/execution/aggregate.h"
#include "sql/execution/aggregate_state.h"
#include "sql/execution/evaluated_columns.h"
#include "sql/execution/group_hash_table.h"
#include "sql/execution/memory_budget.h"
#include "sql/execution/spill_file.h"
#include "sql/expression/function_binder.h"

namespace stedi::sql {
namespace {

// What every pass of one aggregation shares (the operator owns the expressions).
struct AggregateDefinition {
  const std::vector<AggregateSpec>* aggregates;
  std::vector<AggregateKind> kinds;
  std::vector<const BoundExpr*> group_exprs;
  std::vector<const BoundExpr*> arg_exprs;  // the non-null args, in aggregate order
  std::shared_ptr<const Schema> input_schema;
  std::shared_ptr<const Schema> output_schema;
  const ExecutionContext* context;
};

constexpr int kSpillFanoutBits = 4;
constexpr int kSpillFanout = 1 << kSpillFanoutBits;
// Each level partitions on fresh hash bits from the top; past the last level it stays in memory.
constexpr int kMaxSpillLevel = 3;

// One aggregation over a stream of input batches: the whole input (level 0) or one spilled
// partition. Once over the memory limit, groups already in the table keep aggregating and rows
// of new groups go to spill partitions by hash, so every group lives in exactly one place.
class AggregationPass {
 public:
  AggregationPass(const AggregateDefinition* def, int level)
      : def_(def),
        level_(level),
        reservation_(def->context ? def->context->memory_budget : nullptr) {
    std::vector<TypeId> key_types;
    for (const BoundExpr* e : def->group_exprs) key_types.push_back(e->type);
    table_ = std::make_unique<GroupHashTable>(key_types);
    for (size_t i = 0; i < def->aggregates->size(); ++i) {
      const AggregateSpec& spec = (*def->aggregates)[i];
      states_.emplace_back(def->kinds[i], spec.arg ? spec.arg->type : TypeId::kInt64,
                           spec.result_type, spec.distinct);
    }
    if (!HasGroups()) {
      for (AggregateState& s : states_) s.Resize(1);
    }
  }

  Status Consume(const Batch& input) {
    if (input.num_rows() == 0) return Status::OK();
    STEDI_RETURN_NOT_OK(keys_.Evaluate(def_->group_exprs, input));
    if (!spilling_) return Aggregate(input, keys_, /*known_groups_only=*/false);
    table_->PrepareBatch(keys_.columns(), nullptr, input.num_rows());
    table_->Find(&group_ids_);
    std::vector<uint32_t> in_memory;
    std::vector<std::vector<uint32_t>> partitions(kSpillFanout);
    const int shift = 64 - kSpillFanoutBits * (level_ + 1);
    const std::vector<uint64_t>& hashes = table_->hashes();
    for (size_t r = 0; r < input.num_rows(); ++r) {
      if (group_ids_[r] != GroupHashTable::kNoGroup) {
        in_memory.push_back(static_cast<uint32_t>(r));
      } else {
        partitions[(hashes[r] >> shift) & (kSpillFanout - 1)].push_back(static_cast<uint32_t>(r));
      }
    }
    for (int p = 0; p < kSpillFanout; ++p) {
      if (partitions[p].empty()) continue;
      if (!spill_files_[p]) {
        STEDI_ASSIGN_OR_RETURN(spill_files_[p],
                               SpillFile::Create(def_->context, def_->input_schema));
      }
      STEDI_RETURN_NOT_OK(spill_files_[p]->Append(TakeBatch(input, partitions[p])));
    }
    if (in_memory.empty()) return Status::OK();
    const Batch known = TakeBatch(input, in_memory);
    EvaluatedColumns known_keys;
    STEDI_RETURN_NOT_OK(known_keys.Evaluate(def_->group_exprs, known));
    return Aggregate(known, known_keys, /*known_groups_only=*/true);
  }

  /// Ends the input; hands over the spilled partitions (to aggregate at level + 1).
  Status EndInput(std::vector<std::pair<std::unique_ptr<SpillFile>, int>>* spilled) {
    for (auto& f : spill_files_) {
      if (!f) continue;
      STEDI_RETURN_NOT_OK(f->FinishWriting());
      spilled->emplace_back(std::move(f), level_ + 1);
    }
    return Status::OK();
  }

  size_t num_groups() const { return HasGroups() ? table_->num_groups() : 1; }

  Batch Emit(size_t begin, size_t end) const {
    std::vector<Column> columns = table_->DecodeKeys(begin, end);
    for (const AggregateState& s : states_) columns.push_back(s.Finish(begin, end));
    return Batch(def_->output_schema, std::move(columns), end - begin);
  }

 private:
  bool HasGroups() const { return !def_->group_exprs.empty(); }

  Status Aggregate(const Batch& input, const EvaluatedColumns& keys, bool known_groups_only) {
    const size_t rows = input.num_rows();
    if (HasGroups()) {
      table_->PrepareBatch(keys.columns(), nullptr, rows);
      if (known_groups_only) {
        table_->Find(&group_ids_);
      } else {
        table_->FindOrInsert(&group_ids_);
      }
      for (AggregateState& s : states_) s.Resize(table_->num_groups());
    } else {
      group_ids_.assign(rows, 0);
    }
    STEDI_RETURN_NOT_OK(args_.Evaluate(def_->arg_exprs, input));
    size_t next_arg = 0;
    for (size_t i = 0; i < states_.size(); ++i) {
      const Column* arg = (*def_->aggregates)[i].arg ? args_.columns()[next_arg++] : nullptr;
      STEDI_RETURN_NOT_OK(states_[i].Update(arg, group_ids_.data(), rows));
    }
    if (!known_groups_only && HasGroups()) {
      const size_t bytes = MemoryBytes();
      const bool fits = (def_->context == nullptr || bytes <= def_->context->memory_limit_bytes) &&
                        reservation_.Resize(bytes);
      if (!fits) {
        if (level_ < kMaxSpillLevel && def_->context != nullptr) spilling_ = true;
        // The groups already in the table stay in memory either way.
        reservation_.ForceResize(bytes);
      }
    }
    return Status::OK();
  }

  size_t MemoryBytes() const {
    size_t bytes = table_->MemoryBytes();
    for (const AggregateState& s : states_) bytes += s.MemoryBytes();
    return bytes;
  }

  const AggregateDefinition* def_;
  int level_;
  MemoryReservation reservation_;  // the table and the aggregate states
  std::unique_ptr<GroupHashTable> table_;
  std::vector<AggregateState> states_;
  EvaluatedColumns keys_;
  EvaluatedColumns args_;
  std::vector<uint32_t> group_ids_;
  bool spilling_ = false;
  std::unique_ptr<SpillFile> spill_files_[kSpillFanout];
};

class HashAggregateOperator : public Operator {
 public:
  HashAggregateOperator(OperatorPtr child, std::vector<BoundExprPtr> groups,
                        std::vector<AggregateSpec> aggregates,
                        std::shared_ptr<const Schema> output_schema,
                        const ExecutionContext* context)
      : child_(std::move(child)),
        groups_(std::move(groups)),
        aggregates_(std::move(aggregates)),
        output_schema_(std::move(output_schema)) {
    def_.aggregates = &aggregates_;
    for (const BoundExprPtr& g : groups_) def_.group_exprs.push_back(g.get());
    for (const AggregateSpec& a : aggregates_) {
      if (a.arg) def_.arg_exprs.push_back(a.arg.get());
    }
    def_.input_schema = child_->schema();
    def_.output_schema = output_schema_;
    def_.context = context;
  }

  const std::shared_ptr<const Schema>& schema() const override { return output_schema_; }

  std::string Describe() const override {
    std::string s = "HashAggregate groups=[";
    for (size_t i = 0; i < groups_.size(); ++i) {
      s += (i ? ", " : "") + groups_[i]->ToString();
    }
    s += "] aggregates=[";
    for (size_t i = 0; i < aggregates_.size(); ++i) {
      const AggregateSpec& a = aggregates_[i];
      s += (i ? ", " : "") + a.function + "(" + (a.distinct ? "DISTINCT " : "") +
           (a.arg ? a.arg->ToString() : std::string("*")) + ")";
    }
    return s + "]";
  }

  Result<std::optional<Batch>> Next() override {
    if (!started_) {
      started_ = true;
      for (const AggregateSpec& a : aggregates_) {
        STEDI_ASSIGN_OR_RETURN(AggregateKind kind, ParseAggregateKind(a.function));
        if (kind != AggregateKind::kCountStar && !a.arg) {
          return Status::Invalid("aggregate " + a.function + " needs an argument");
        }
        // The state layout follows the result type, so it must be the one the binder gives.
        STEDI_ASSIGN_OR_RETURN(
            TypeId expected, AggregateResultType(a.function, a.arg ? a.arg->type : TypeId::kInt64));
        if (expected != a.result_type) {
          return Status::Invalid("aggregate " + a.function + " has result type " +
                                 std::string(TypeName(a.result_type)) + ", expected " +
                                 std::string(TypeName(expected)));
        }
        def_.kinds.push_back(kind);
      }
      if (output_schema_->num_fields() != groups_.size() + aggregates_.size()) {
        return Status::Invalid("HashAggregate output schema has " +
                               std::to_string(output_schema_->num_fields()) + " fields for " +
                               std::to_string(groups_.size()) + " groups and " +
                               std::to_string(aggregates_.size()) + " aggregates");
      }
      pass_ = std::make_unique<AggregationPass>(&def_, 0);
      while (true) {
        STEDI_ASSIGN_OR_RETURN(std::optional<Batch> batch, child_->Next());
        if (!batch) break;
        STEDI_RETURN_NOT_OK(pass_->Consume(*batch));
      }
      STEDI_RETURN_NOT_OK(pass_->EndInput(&pending_));
    }
    while (pass_ || !pending_.empty()) {
      if (!pass_) {
        auto [file, level] = std::move(pending_.back());
        pending_.pop_back();
        pass_ = std::make_unique<AggregationPass>(&def_, level);
        while (true) {
          STEDI_ASSIGN_OR_RETURN(std::optional<Batch> batch, file->ReadNext());
          if (!batch) break;
          STEDI_RETURN_NOT_OK(pass_->Consume(*batch));
        }
        STEDI_RETURN_NOT_OK(pass_->EndInput(&pending_));
        emitted_ = 0;
      }
      const size_t groups = pass_->num_groups();
      if (emitted_ < groups) {
        const size_t end = std::min(groups, emitted_ + kBatchRows);
        Batch out = pass_->Emit(emitted_, end);
        emitted_ = end;
        return std::optional<Batch>(std::move(out));
      }
      pass_.reset();
    }
    return std::optional<Batch>();
  }

 private:
  OperatorPtr child_;
  std::vector<BoundExprPtr> groups_;
  std::vector<AggregateSpec> aggregates_;
  std::shared_ptr<const Schema> output_schema_;
  AggregateDefinition def_;
  bool started_ = false;
  std::unique_ptr<AggregationPass> pass_;
  size_t emitted_ = 0;
  std::vector<std::pair<std::unique_ptr<SpillFile>, int>> pending_;
};

}  // namespace

OperatorPtr MakeHashAggregate(OperatorPtr child, std::vector<BoundExprPtr> groups,
                              std::vector<AggregateSpec> aggregates,
                              std::shared_ptr<const Schema> output_schema,
                              const ExecutionContext* context) {
  return std::make_unique<HashAggregateOperator>(std::move(child), std::move(groups),
                                                 std::move(aggregates), std::move(output_schema),
                                                 context);
}

}  // namespace stedi::sql
