#include <algorithm>
#include <array>
#include <functional>

#include "columnar/column_kernels.h"
#include "concurrency/thread_pool.h"
#include "sql/execution/join.h"
#include "sql/execution/join_hash_table.h"
#include "sql/execution/join_pair_processor.h"
#include "sql/execution/key_hashing.h"
#include "sql/execution/memory_budget.h"
#include "sql/execution/spill_file.h"
#include "sql/execution/string_key_groups.h"
#include "sql/expression/evaluator.h"

namespace stedi::sql {

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
    case PhysicalJoinType::kRightSemi:
      return "right-semi";
    case PhysicalJoinType::kRightAnti:
      return "right-anti";
  }
  return "?";
}

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

size_t BatchBytes(const Batch& b) {
  size_t bytes = 0;
  for (const Column& c : b.columns()) {
    bytes += c.values().size() + c.offsets().size() * sizeof(uint64_t) + c.validity().size();
  }
  return bytes;
}

// True when an empty probe side means no output at all.
bool NeedsProbeRows(PhysicalJoinType type) {
  return type != PhysicalJoinType::kRight && type != PhysicalJoinType::kFull &&
         type != PhysicalJoinType::kRightAnti;
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

// The probing of one left batch, or of one slice of it: its keys and their hashes, the
// position in the hash chains (kept between steps so that a large fan-out streams out in
// pieces) and a pair processor of its own. Lanes share the read-only build side, and the lanes
// probing slices of one large batch share that batch, so the slices are probed in parallel
// without being copied.
struct ProbeLane {
  explicit ProbeLane(JoinPairProcessor p) : processor(std::move(p)) {}
  JoinPairProcessor processor;
  bool active = false;  // a batch is being probed
  std::shared_ptr<Batch> probe;
  size_t begin = 0, end = 0;  // the rows of PROBE this lane probes
  size_t rows() const { return end - begin; }
  KeyColumns keys;
  // Per row of the range (entry I is row BEGIN + I): key hash, NULL key, first chain entry.
  std::vector<uint64_t> hashes;
  std::vector<uint8_t> key_null;
  std::vector<uint32_t> heads;
  DictionaryHashCache hash_cache;  // key dictionaries that recur across batches
  size_t row = 0;                  // the next row to probe, counted from BEGIN
  bool in_chain = false;
  uint32_t chain = JoinHashTable::kEnd;
  std::vector<uint32_t> candidate_left, candidate_build;
  // Joins on one dictionary-encoded key look each dictionary entry up once (cached while
  // batches share the dictionary) instead of hashing, walking a chain and comparing keys per
  // row.
  bool by_dictionary = false;
  std::shared_ptr<const Column> dictionary;
  std::shared_ptr<const Column> refused_dictionary;  // its lists grew too long
  // Per entry, its build rows in chain order: ENTRY_ROWS[ENTRY_OFFSETS[e], ENTRY_OFFSETS[e+1]).
  // When no entry has more than one, ENTRY_MATCH holds it (or kEnd) and the lists stay empty.
  bool single_match = false;
  std::vector<uint32_t> entry_match;
  std::vector<uint32_t> entry_offsets, entry_rows;
  uint32_t match_at = 0;  // how far into its row's list the lane got (output was full)
  // Joins on a dictionary-encoded string and an integer scan the build rows of the row's string
  // (StringKeyGroups); ENTRY_GROUP maps the entries of GROUPED_DICTIONARY to their groups.
  bool by_groups = false;
  std::shared_ptr<const Column> grouped_dictionary;
  size_t grouped_rows_seen = 0;  // rows probed with that dictionary, before it was mapped
  std::vector<uint32_t> entry_group;
  // Semi and anti joins whose keys are all dictionary-encoded, on input where consecutive rows
  // repeat their keys (a customer's readings): a row with the previous row's codes has its
  // outcome, so only the first row of each run is looked up. ROW_MATCH holds, per row, a build
  // row with its keys (kEnd when none).
  bool by_runs = false;
  std::vector<uint32_t> row_match;
};

// Build sides up to this many rows keep their strings as codes (EncodeBuildStrings).
constexpr size_t kMaxBuildRowsAsCodes = 4 << 20;
// Probe batches at least this large are split over the context's threads.
constexpr size_t kMinParallelProbeRows = 2 * Operator::kBatchRows;
// Batches at least this large are written to their partitions' spill files by all threads.
constexpr size_t kMinParallelSpillRows = 16 << 10;
// A parallel lane pauses once this many output batches wait, bounding memory under fan-out.
constexpr size_t kLaneReadyBatches = 4;

// Replays one spill file as an operator, so that a partition pair is joined by the same code.
class SpillFileScan final : public Operator {
 public:
  // Partitioning cuts each input batch into small pieces; they are glued back into batches of
  // at least MIN_ROWS rows.
  SpillFileScan(std::unique_ptr<SpillFile> file, std::shared_ptr<const Schema> schema,
                size_t min_rows)
      : file_(std::move(file)), schema_(std::move(schema)), min_rows_(min_rows) {}
  const std::shared_ptr<const Schema>& schema() const override { return schema_; }
  Result<std::optional<Batch>> Next() override {
    if (file_ == nullptr) return std::optional<Batch>();
    return file_->ReadNext(min_rows_);
  }
  std::string Describe() const override { return "SpillFileScan"; }

 private:
  std::unique_ptr<SpillFile> file_;  // null: no rows
  std::shared_ptr<const Schema> schema_;
  size_t min_rows_;
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
        reservation_(context ? context->memory_budget : nullptr) {
    lanes_.push_back(std::make_unique<ProbeLane>(NewProcessor()));
  }

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
      for (const auto& lane : lanes_) {
        if (std::optional<Batch> b = lane->processor.PopReady()) return b;
      }
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
      const bool fits = (context_ == nullptr || bytes <= context_->memory_limit_bytes) &&
                        reservation_.Resize(bytes);
      if (!fits) {
        if (MaySpill()) {
          reservation_.Reset();  // the batches go to disk
          return SpillBothSides(std::move(batches));
        }
        // Without a place to spill, the limit cannot be honoured; the join still runs in
        // memory, and the budget knows.
        reservation_.ForceResize(bytes);
      }
    }
    return BuildInMemory(std::move(batches));
  }

  size_t BuildThreads() const {
    return static_cast<size_t>(std::max(1, context_ ? context_->threads : 1));
  }

  Status BuildInMemory(std::vector<Batch> batches) {
    if (batches.size() == 1) {
      build_ = std::move(batches[0]);
    } else {
      // Column by column on all threads: a big build side's copy is mostly page faults.
      const auto& schema = right_->schema();
      std::vector<Column> columns(schema->num_fields());
      size_t rows = 0;
      for (const Batch& b : batches) rows += b.num_rows();
      STEDI_RETURN_NOT_OK(ParallelFor(columns.size(), BuildThreads(), [&](size_t c) -> Status {
        std::vector<const Column*> parts;
        parts.reserve(batches.size());
        for (const Batch& b : batches) parts.push_back(&b.column(c));
        columns[c] = ConcatenateColumns(parts);
        return Status::OK();
      }));
      build_ = Batch(schema, std::move(columns), rows);
    }
    batches.clear();
    EncodeBuildStrings();
    STEDI_RETURN_NOT_OK(build_keys_.Evaluate(spec_->right_keys, build_));
    local_facts_.nonempty = build_.num_rows() > 0;
    local_facts_.has_null_key =
        std::any_of(build_keys_.columns().begin(), build_keys_.columns().end(),
                    [](const Column* c) { return c->null_count() > 0; });
    for (const auto& lane : lanes_) lane->processor.SetBuild(&build_);
    if (build_.num_rows() == 0 && NeedsBuildRows(spec_->type)) done_ = true;
    if (spec_->type == PhysicalJoinType::kAntiNullAware && facts().has_null_key) done_ = true;
    return Status::OK();
  }

  // Builds the hash table over the build side, the first time a lane probes by hash: lanes
  // that probe by StringKeyGroups need none.
  void EnsureHashTable() {
    if (table_built_) return;
    table_built_ = true;
    std::vector<uint64_t> hashes;
    std::vector<uint8_t> key_null;
    HashKeyColumns(build_keys_.columns(), 0, build_.num_rows(), &hashes, &key_null);
    if (lanes_[0]->processor.SkipsMatchedLeftRows() && spec_->residual == nullptr) {
      const std::function<bool(uint32_t, uint32_t)> same_key = [this](uint32_t a, uint32_t b) {
        return RowKeysEqual(build_keys_.columns(), a, build_keys_.columns(), b);
      };
      table_.Build(hashes, key_null, &same_key, BuildThreads());
    } else {
      table_.Build(hashes, key_null, nullptr, BuildThreads());
    }
  }

  // Turns the build side's plain string columns into codes of themselves: an output row then
  // gathers four bytes instead of a string (an e-mail, a device id), and a join or writer
  // downstream hashes or looks up each build row's string once instead of once per output row.
  // Not for very large builds: a writer maps a source dictionary's codes in an array of its
  // size, once per row group.
  void EncodeBuildStrings() {
    const size_t rows = build_.num_rows();
    if (rows == 0 || rows > kMaxBuildRowsAsCodes) return;
    auto plain_strings = [](const Column& c) {
      return IsVariableWidth(c.type()) && !c.is_dictionary() && c.null_count() == 0;
    };
    if (std::none_of(build_.columns().begin(), build_.columns().end(), plain_strings)) return;
    const std::shared_ptr<const Schema> schema = build_.schema();
    std::vector<Column> columns;
    columns.reserve(build_.num_columns());
    for (size_t c = 0; c < build_.num_columns(); ++c) {
      Column column = build_.ReleaseColumn(c);
      const bool encode = plain_strings(column);
      columns.push_back(encode ? AsIdentityDictionary(std::move(column)) : std::move(column));
    }
    build_ = Batch(schema, std::move(columns), rows);
  }

  JoinPairProcessor NewProcessor() const {
    return JoinPairProcessor(spec_->type, spec_->residual.get(), left_->schema(), right_->schema(),
                             spec_->output_schema);
  }

  // Lanes for a probe batch of ROWS rows: one, unless the batch is large, there are threads to
  // spare and the join keeps no state across left rows (right and full joins mark build rows).
  size_t LanesFor(size_t rows) const {
    const size_t threads = static_cast<size_t>(std::max(1, context_ ? context_->threads : 1));
    if (threads < 2 || rows < kMinParallelProbeRows || TracksBuildRows(spec_->type)) {
      return 1;
    }
    return std::min(threads, rows / Operator::kBatchRows);
  }

  // Probe batches read back from a partition are large enough to be probed by every thread.
  size_t ProbeBatchRows() const {
    const size_t threads = static_cast<size_t>(std::max(1, context_ ? context_->threads : 1));
    return threads < 2 ? Operator::kBatchRows / 2 : threads * Operator::kBatchRows;
  }

  // Whether LANE's batch is probed by runs (see ProbeLane::by_runs): a join that wants one
  // match per left row (no residual), every key dictionary-encoded, and runs of two rows or
  // more on average in the batch's first rows (else the row-at-a-time lookups would cost more
  // than the batched ones).
  bool ProbesByRuns(const ProbeLane& lane) const {
    if (!lane.processor.SkipsMatchedLeftRows() || spec_->residual != nullptr) return false;
    if (lane.keys.columns().size() > kMaxRunKeys) return false;
    for (const Column* key : lane.keys.columns()) {
      if (!key->is_dictionary()) return false;
    }
    const RunCodes codes(lane.keys.columns());
    const size_t sample_end = std::min(lane.end, lane.begin + kRunSampleRows);
    size_t runs = 1;
    for (size_t r = lane.begin + 1; r < sample_end; ++r) runs += codes.SameAsPrevious(r) ? 0 : 1;
    return 2 * runs <= sample_end - lane.begin;
  }

  // The codes of up to kMaxRunKeys dictionary-encoded key columns, read in place.
  static constexpr size_t kMaxRunKeys = 4;
  static constexpr size_t kRunSampleRows = 1024;
  class RunCodes {
   public:
    explicit RunCodes(std::span<const Column* const> keys) : n_(keys.size()) {
      for (size_t k = 0; k < n_; ++k) codes_[k] = keys[k]->values().data();
    }
    // Whether ROW's codes are those of the row before it.
    bool SameAsPrevious(size_t row) const {
      for (size_t k = 0; k < n_; ++k) {
        uint64_t pair;  // the two codes, read at once
        std::memcpy(&pair, codes_[k] + (row - 1) * 4, 8);
        if (static_cast<uint32_t>(pair) != static_cast<uint32_t>(pair >> 32)) return false;
      }
      return true;
    }

   private:
    size_t n_;
    const uint8_t* codes_[kMaxRunKeys] = {};
  };

  // Fills LANE.row_match (see ProbeLane::by_runs) from its rows' hashes: the first row of each
  // run of equal codes walks its chain, the rest of the run copies its outcome.
  void MatchRuns(ProbeLane& lane) {
    const auto keys = lane.keys.columns();
    const auto build_keys = build_keys_.columns();
    const RunCodes codes(keys);
    const size_t rows = lane.rows();
    lane.row_match.resize(rows);
    uint32_t* match = lane.row_match.data();
    const uint8_t* key_null = lane.key_null.data();
    const uint64_t* hashes = lane.hashes.data();
    bool after_lookup = false;  // the previous row was looked up or copied (not NULL)
    for (size_t r = 0; r < rows; ++r) {
      const size_t row = lane.begin + r;
      if (key_null[r]) {
        match[r] = JoinHashTable::kEnd;
        after_lookup = false;
        continue;
      }
      if (after_lookup && codes.SameAsPrevious(row)) {
        match[r] = match[r - 1];
        continue;
      }
      const uint64_t h = hashes[r];
      uint32_t found = JoinHashTable::kEnd;
      for (uint32_t b = table_.First(h); b != JoinHashTable::kEnd; b = table_.Next(b)) {
        if (table_.hash(b) == h && RowKeysEqual(keys, row, build_keys, b)) {
          found = b;
          break;
        }
      }
      match[r] = found;
      after_lookup = true;
    }
  }

  // Whether LANE's batch can be probed a dictionary entry at a time: a single key whose values
  // are codes of a dictionary smaller than the batch or already looked up.
  bool ProbesByDictionary(const ProbeLane& lane) const {
    if (lane.keys.columns().size() != 1) return false;
    const Column& key = *lane.keys.columns()[0];
    return key.is_dictionary() && key.dictionary() != lane.refused_dictionary &&
           (key.dictionary() == lane.dictionary || key.dictionary()->size() <= lane.rows());
  }

  // Whether LANE's batch can be probed by StringKeyGroups: two keys, the string one
  // dictionary-encoded. The groups are built for the first such batch. A dictionary no larger
  // than the build side is mapped to them at once (cheaper than the hash table it spares); a
  // larger one once the rows probed with it reach an eighth of its size.
  bool ProbesByGroups(ProbeLane& lane) {
    if (lane.keys.columns().size() != 2 || groups_state_ == GroupsState::kUnusable) return false;
    const size_t string_key = IsVariableWidth(lane.keys.columns()[0]->type()) ? 0 : 1;
    const Column& key = *lane.keys.columns()[string_key];
    if (!key.is_dictionary()) return false;
    if (groups_state_ == GroupsState::kNotBuilt) {
      groups_state_ = key_groups_.Build(build_keys_.columns(), BuildThreads())
                          ? GroupsState::kBuilt
                          : GroupsState::kUnusable;
      if (groups_state_ == GroupsState::kUnusable) return false;
    }
    if (lane.grouped_dictionary == key.dictionary() && !lane.entry_group.empty()) return true;
    if (lane.grouped_dictionary != key.dictionary()) {
      lane.grouped_dictionary = key.dictionary();
      lane.grouped_rows_seen = 0;
      lane.entry_group.clear();
    }
    lane.grouped_rows_seen += lane.rows();
    const size_t entries = key.dictionary()->size();
    if (entries > build_.num_rows() && 8 * lane.grouped_rows_seen < entries) return false;
    key_groups_.MapEntries(*key.dictionary(), &lane.entry_group);
    return !lane.entry_group.empty();
  }

  // Lists, for each entry of LANE's key dictionary, the build rows with that key, in the order
  // probing a row with that key would find them. A join that wants one match per left row
  // (semi and anti joins without a residual) keeps only the first. False when the lists grow
  // past twice the build side (a dictionary repeating its values many times): the lane then
  // probes row by row.
  bool MatchDictionary(ProbeLane& lane) {
    const Column& key = *lane.keys.columns()[0];
    if (lane.dictionary == key.dictionary()) return true;
    lane.dictionary = nullptr;
    const Column* entries[] = {key.dictionary().get()};
    const size_t n = key.dictionary()->size();
    const size_t most_rows = 2 * build_.num_rows() + n;
    std::vector<uint64_t> hashes;
    std::vector<uint8_t> null;
    HashKeyColumns(entries, 0, n, &hashes, &null);
    const bool first_only = lane.processor.SkipsMatchedLeftRows() && spec_->residual == nullptr;
    lane.entry_offsets.assign(n + 1, 0);
    lane.entry_rows.clear();
    for (size_t e = 0; e < n; ++e) {
      lane.entry_offsets[e] = static_cast<uint32_t>(lane.entry_rows.size());
      if (null[e]) continue;
      for (uint32_t row = table_.First(hashes[e]); row != JoinHashTable::kEnd;
           row = table_.Next(row)) {
        if (table_.hash(row) == hashes[e] && RowKeysEqual(entries, e, build_keys_.columns(), row)) {
          lane.entry_rows.push_back(row);
          if (first_only) break;
        }
      }
      if (lane.entry_rows.size() > most_rows) {
        lane.refused_dictionary = key.dictionary();
        lane.entry_offsets.clear();
        lane.entry_rows.clear();
        return false;
      }
    }
    lane.entry_offsets[n] = static_cast<uint32_t>(lane.entry_rows.size());
    lane.single_match = true;
    for (size_t e = 0; e < n && lane.single_match; ++e) {
      lane.single_match = lane.entry_offsets[e + 1] - lane.entry_offsets[e] <= 1;
    }
    if (lane.single_match) {
      lane.entry_match.assign(n, JoinHashTable::kEnd);
      for (size_t e = 0; e < n; ++e) {
        if (lane.entry_offsets[e] < lane.entry_offsets[e + 1]) {
          lane.entry_match[e] = lane.entry_rows[lane.entry_offsets[e]];
        }
      }
      lane.entry_offsets.clear();
      lane.entry_rows.clear();
    } else {
      lane.entry_match.clear();
    }
    lane.dictionary = key.dictionary();
    return true;
  }

  // Starts LANE on BATCH whole; the lane owns it.
  Status StartLane(ProbeLane& lane, Batch batch) {
    const size_t rows = batch.num_rows();
    return StartLaneOn(lane, std::make_shared<Batch>(std::move(batch)), 0, rows,
                       /*owned=*/true);
  }

  // Starts LANE on rows [BEGIN, END) of BATCH, which other lanes share unless OWNED.
  Status StartLaneOn(ProbeLane& lane, std::shared_ptr<Batch> batch, size_t begin, size_t end,
                     bool owned) {
    lane.probe = std::move(batch);
    lane.begin = begin;
    lane.end = end;
    STEDI_RETURN_NOT_OK(lane.keys.Evaluate(spec_->left_keys, *lane.probe));
    lane.by_groups = ProbesByGroups(lane);
    if (!lane.by_groups) EnsureHashTable();
    lane.by_dictionary = !lane.by_groups && ProbesByDictionary(lane) && MatchDictionary(lane);
    lane.by_runs = !lane.by_dictionary && !lane.by_groups && ProbesByRuns(lane);
    if (lane.by_dictionary || lane.by_groups) {
      lane.key_null.assign(lane.rows(), 0);
      for (const Column* key : lane.keys.columns()) {
        if (key->null_count() == 0) continue;
        for (size_t r = begin; r < end; ++r) lane.key_null[r - begin] |= key->IsNull(r) ? 1 : 0;
      }
    } else {
      HashKeyRows(lane.keys.columns(), 0, begin, end, &lane.hashes, &lane.key_null,
                  &lane.hash_cache);
      if (lane.by_runs) {
        MatchRuns(lane);
      } else {
        table_.FirstOfEach(lane.hashes, &lane.heads);
      }
    }
    if (owned) {
      lane.processor.StartProbeBatch(lane.probe.get());
    } else {
      lane.processor.StartProbeRange(lane.probe.get(), begin, end);
    }
    lane.active = true;
    lane.row = 0;
    lane.in_chain = false;
    lane.match_at = 0;
    return Status::OK();
  }

  Status ProbeStep() {
    bool any_active = false;
    for (const auto& lane : lanes_) any_active = any_active || lane->active;
    if (!any_active) {
      std::optional<Batch> b;
      if (!left_done_) {
        STEDI_ASSIGN_OR_RETURN(b, left_->Next());
      }
      if (!b.has_value()) {
        STEDI_RETURN_NOT_OK(lanes_[0]->processor.EmitUnmatchedBuildRows());
        done_ = true;
        return Status::OK();
      }
      if (b->num_rows() == 0) return Status::OK();
      const size_t lanes = LanesFor(b->num_rows());
      if (lanes == 1) {
        STEDI_RETURN_NOT_OK(StartLane(*lanes_[0], std::move(*b)));
        // Small batches (another join's output, say) go one to a lane, so that probing still
        // runs on every thread.
        for (size_t i = 1; i < SmallBatchLanes() && !left_done_; ++i) {
          STEDI_ASSIGN_OR_RETURN(std::optional<Batch> next, left_->Next());
          if (!next.has_value()) {
            left_done_ = true;
            break;
          }
          if (next->num_rows() == 0) {
            --i;
            continue;
          }
          AddLanes(i + 1);
          STEDI_RETURN_NOT_OK(StartLane(*lanes_[i], std::move(*next)));
        }
      } else {
        AddLanes(lanes);
        STEDI_RETURN_NOT_OK(SliceIntoLanes(std::move(*b), lanes));
      }
    }
    std::vector<ProbeLane*> active;
    for (const auto& lane : lanes_) {
      if (lane->active) active.push_back(lane.get());
    }
    if (active.size() == 1) return StepLane(*active[0]);
    // Each lane runs until its slice is done or enough of its output waits to be returned.
    return ParallelFor(active.size(), active.size(), [&](size_t i) -> Status {
      ProbeLane& lane = *active[i];
      while (lane.active && lane.processor.ReadyBatches() < kLaneReadyBatches) {
        STEDI_RETURN_NOT_OK(StepLane(lane));
      }
      return Status::OK();
    });
  }

  // How many lanes take one small probe batch each: one per thread, unless the join marks build
  // rows (right and full joins: one lane holds that state).
  size_t SmallBatchLanes() const {
    const size_t threads = static_cast<size_t>(std::max(1, context_ ? context_->threads : 1));
    return TracksBuildRows(spec_->type) ? 1 : threads;
  }

  void AddLanes(size_t lanes) {
    while (lanes_.size() < lanes) {
      lanes_.push_back(std::make_unique<ProbeLane>(NewProcessor()));
      lanes_.back()->processor.SetBuild(&build_);
    }
  }

  // Starts LANES lanes on contiguous slices of WHOLE, so that the output keeps the input's
  // order slice by slice.
  Status SliceIntoLanes(Batch whole, size_t lanes) {
    const size_t rows = whole.num_rows();
    auto shared = std::make_shared<Batch>(std::move(whole));
    for (size_t i = 0; i < lanes; ++i) {
      STEDI_RETURN_NOT_OK(StartLaneOn(*lanes_[i], shared, rows * i / lanes, rows * (i + 1) / lanes,
                                      /*owned=*/false));
    }
    return Status::OK();
  }

  // StepLane for a lane probing by dictionary entry: the pairs need no key check.
  Status StepLaneByDictionary(ProbeLane& lane) {
    const uint32_t base = static_cast<uint32_t>(lane.begin);
    const Column& key = *lane.keys.columns()[0];
    const uint8_t* key_null = lane.key_null.data();
    if (lane.single_match) {
      const uint32_t* match = lane.entry_match.data();
      return HandOverSingleMatches(lane, [&](size_t row) {
        return key_null[row] ? JoinHashTable::kEnd : match[key.code(base + row)];
      });
    }
    JoinPairProcessor& processor = lane.processor;
    const size_t room = processor.PairRoom();
    const size_t rows = lane.rows();
    lane.candidate_left.resize(room);
    lane.candidate_build.resize(room);
    uint32_t* out_left = lane.candidate_left.data();
    uint32_t* out_build = lane.candidate_build.data();
    size_t found = 0;
    size_t row = lane.row;
    const uint32_t* offsets = lane.entry_offsets.data();
    const uint32_t* matches = lane.entry_rows.data();
    uint32_t at = lane.match_at;
    while (row < rows && found < room) {
      if (key_null[row]) {
        ++row;
        continue;
      }
      const uint32_t code = key.code(base + row);
      const uint32_t begin = offsets[code], end = offsets[code + 1];
      uint32_t i = begin + at;
      for (; i < end && found < room; ++i, ++found) {
        out_left[found] = base + static_cast<uint32_t>(row);
        out_build[found] = matches[i];
      }
      if (i == end) {
        ++row;
        at = 0;
      } else {
        at = i - begin;
      }
    }
    lane.match_at = at;
    lane.row = row;
    return HandOverCandidates(lane, found, /*check_keys=*/false);
  }

  // StepLane for a lane probing by runs: each row's match is known; the pairs need no key
  // check.
  Status StepLaneByRuns(ProbeLane& lane) {
    const uint32_t* match = lane.row_match.data();
    return HandOverSingleMatches(lane, [match](size_t row) { return match[row]; });
  }

  // Pairs each row of LANE, from lane.row on, with its one match MATCH(row) (a build row, or
  // kEnd for none) until an output batch is full, and hands the pairs over without a key check.
  template <typename Match>
  Status HandOverSingleMatches(ProbeLane& lane, Match match) {
    const size_t room = lane.processor.PairRoom();
    const size_t rows = lane.rows();
    const uint32_t base = static_cast<uint32_t>(lane.begin);
    lane.candidate_left.resize(room);
    lane.candidate_build.resize(room);
    uint32_t* out_left = lane.candidate_left.data();
    uint32_t* out_build = lane.candidate_build.data();
    size_t found = 0;
    size_t row = lane.row;
    // Branch-free: a row's pair is written always and counted only when there is a match.
    for (; row < rows && found < room; ++row) {
      const uint32_t m = match(row);
      out_left[found] = base + static_cast<uint32_t>(row);
      out_build[found] = m;
      found += m != JoinHashTable::kEnd ? 1 : 0;
    }
    lane.row = row;
    return HandOverCandidates(lane, found, /*check_keys=*/false);
  }

  // StepLane for a lane probing by StringKeyGroups: a row's candidates are the rows of its
  // string's group with its integer; the pairs need no key check.
  Status StepLaneByGroups(ProbeLane& lane) {
    JoinPairProcessor& processor = lane.processor;
    const size_t room = processor.PairRoom();
    const size_t rows = lane.rows();
    const uint32_t base = static_cast<uint32_t>(lane.begin);
    const Column& strings = *lane.keys.columns()[key_groups_.string_key()];
    const Column& integers = *lane.keys.columns()[1 - key_groups_.string_key()];
    const bool wide = FixedWidth(integers.type()) == 8;
    const bool first_only = processor.SkipsMatchedLeftRows() && spec_->residual == nullptr;
    const uint8_t* key_null = lane.key_null.data();
    const uint32_t* entry_group = lane.entry_group.data();
    const uint32_t* offsets = key_groups_.offsets();
    const uint32_t* group_rows = key_groups_.rows();
    const int64_t* values = key_groups_.values();
    lane.candidate_left.resize(room);
    lane.candidate_build.resize(room);
    uint32_t* out_left = lane.candidate_left.data();
    uint32_t* out_build = lane.candidate_build.data();
    size_t found = 0;
    size_t row = lane.row;
    uint32_t at = lane.match_at;
    while (row < rows && found < room) {
      const uint32_t group =
          key_null[row] ? StringKeyGroups::kNoGroup : entry_group[strings.code(base + row)];
      if (group == StringKeyGroups::kNoGroup) {
        ++row;
        continue;
      }
      const int64_t value = StringKeyGroups::IntegerAt(integers, base + row, wide);
      const uint32_t end = offsets[group + 1];
      uint32_t i = at != 0 ? at : key_groups_.LowerBound(group, value);
      for (; i < end && values[i] == value; ++i) {
        if (found == room) break;  // resumes here with the next output batch
        out_left[found] = base + static_cast<uint32_t>(row);
        out_build[found] = group_rows[i];
        ++found;
        if (first_only) i = end - 1;
      }
      if (i < end && values[i] == value) {
        at = i;  // the position itself: never 0, as a group's first row cannot follow a match
      } else {
        ++row;
        at = 0;
      }
    }
    lane.match_at = at;
    lane.row = row;
    return HandOverCandidates(lane, found, /*check_keys=*/false);
  }

  // Walks LANE's hash chains until one output batch worth of candidates is gathered, then
  // checks their keys and hands them to the lane's processor.
  Status StepLane(ProbeLane& lane) {
    if (lane.by_dictionary) return StepLaneByDictionary(lane);
    if (lane.by_groups) return StepLaneByGroups(lane);
    if (lane.by_runs) return StepLaneByRuns(lane);
    JoinPairProcessor& processor = lane.processor;
    const size_t room = processor.PairRoom();
    const bool skip_matched = processor.SkipsMatchedLeftRows();
    const size_t rows = lane.rows();
    const uint32_t base = static_cast<uint32_t>(lane.begin);
    // Locals rather than members inside the loop: the compiler can keep them in registers.
    lane.candidate_left.resize(room);
    lane.candidate_build.resize(room);
    uint32_t* out_left = lane.candidate_left.data();
    uint32_t* out_build = lane.candidate_build.data();
    size_t found = 0;
    size_t row = lane.row;
    uint32_t chain = lane.chain;
    bool in_chain = lane.in_chain;
    const uint64_t* hashes = lane.hashes.data();
    const uint8_t* key_null = lane.key_null.data();
    const uint32_t* heads = lane.heads.data();
    while (row < rows && found < room) {
      if (!in_chain) {
        if (row + kPrefetchDistance < rows) table_.Prefetch(heads[row + kPrefetchDistance]);
        if (key_null[row] ||
            (skip_matched && processor.LeftMatched(base + static_cast<uint32_t>(row)))) {
          ++row;
          continue;
        }
        chain = heads[row];
        in_chain = true;
      }
      const uint64_t h = hashes[row];
      while (chain != JoinHashTable::kEnd && found < room) {
        out_left[found] = base + static_cast<uint32_t>(row);
        out_build[found] = chain;
        found += table_.hash(chain) == h ? 1 : 0;
        chain = table_.Next(chain);
      }
      if (chain == JoinHashTable::kEnd) {
        in_chain = false;
        ++row;
      }
    }
    lane.row = row;
    lane.chain = chain;
    lane.in_chain = in_chain;
    return HandOverCandidates(lane, found, /*check_keys=*/true);
  }

  // Hands LANE's first FOUND candidate pairs to its processor (after checking their keys when
  // CHECK_KEYS: equal hashes are not equal keys) and ends the batch once every row is probed.
  Status HandOverCandidates(ProbeLane& lane, size_t found, bool check_keys) {
    lane.candidate_left.resize(found);
    lane.candidate_build.resize(found);
    if (check_keys) {
      KeepEqualKeyPairs(lane.keys.columns(), build_keys_.columns(), &lane.candidate_left,
                        &lane.candidate_build);
    }
    STEDI_RETURN_NOT_OK(
        lane.processor.AddCandidatePairs(&lane.candidate_left, &lane.candidate_build));
    if (lane.row == lane.rows()) {
      STEDI_RETURN_NOT_OK(lane.processor.FinishProbeBatch(lane.key_null, facts()));
      lane.active = false;
      lane.probe.reset();  // its rows are all in output batches now
    }
    return Status::OK();
  }

  // Appends BATCH's rows to their partitions' spill files by key hash (a seed per depth, so a
  // partition that is split again spreads out). The top level hashes the first key alone:
  // rows of one entity (say, a customer's readings, joined on user and time) then stay in one
  // partition in their input order, so the output keeps the locality that makes its
  // dictionaries and compression work. Deeper levels hash every key, so a partition that one
  // first-key value made too big still splits.
  Status Partition(const Batch& batch, const std::vector<BoundExprPtr>& key_exprs,
                   const std::shared_ptr<const Schema>& schema, SpilledSide* side,
                   bool track_facts) {
    KeyColumns keys;
    STEDI_RETURN_NOT_OK(keys.Evaluate(key_exprs, batch));
    std::vector<uint64_t> hashes;
    std::vector<uint8_t> key_null;
    const size_t all = keys.columns().size();
    HashKeyColumns(keys.columns().first(depth_ == 0 ? std::min<size_t>(1, all) : all),
                   static_cast<uint64_t>(depth_) + 1, batch.num_rows(), &hashes, &key_null);
    std::array<std::vector<uint32_t>, kPartitions> rows;
    for (size_t r = 0; r < batch.num_rows(); ++r) {
      rows[hashes[r] >> (64 - kPartitionBits)].push_back(static_cast<uint32_t>(r));
    }
    if (track_facts) {
      for (const Column* c : keys.columns()) {
        if (c->null_count() > 0) local_facts_.has_null_key = true;
      }
    }
    if (track_facts && batch.num_rows() > 0) local_facts_.nonempty = true;
    for (size_t p = 0; p < kPartitions; ++p) {
      if (!rows[p].empty() && side->files[p] == nullptr) {
        STEDI_ASSIGN_OR_RETURN(side->files[p], SpillFile::Create(context_, schema));
      }
    }
    // Gathering rows into the files' buffers and writing them out is most of a spill's work;
    // each partition has its own file, so threads take whole partitions.
    const int threads =
        context_ != nullptr && batch.num_rows() >= kMinParallelSpillRows ? context_->threads : 1;
    return ParallelFor(kPartitions, static_cast<size_t>(std::max(1, threads)),
                       [&](size_t p) -> Status {
                         if (rows[p].empty()) return Status::OK();
                         return side->files[p]->AppendRows(batch, rows[p]);
                       });
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
            std::make_unique<SpillFileScan>(std::move(probe_files_.files[p]), left_->schema(),
                                            ProbeBatchRows()),
            std::make_unique<SpillFileScan>(std::move(build_files_.files[p]), right_->schema(),
                                            Operator::kBatchRows / 2),
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
  MemoryReservation reservation_;  // the build side held in memory
  bool started_ = false;
  bool done_ = false;
  bool left_done_ = false;  // the probe side has ended (lanes may still hold its last batches)

  // In-memory join.
  Batch build_;
  KeyColumns build_keys_;
  JoinHashTable table_;
  enum class GroupsState { kNotBuilt, kBuilt, kUnusable };
  GroupsState groups_state_ = GroupsState::kNotBuilt;
  StringKeyGroups key_groups_;  // when kBuilt
  bool table_built_ = false;
  // Lane 0 probes batches whole; more lanes appear for slices of large batches.
  std::vector<std::unique_ptr<ProbeLane>> lanes_;

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
