#include "sql/execution/sort.h"

#include <algorithm>
#include <string>

#include "columnar/column_kernels.h"
#include "sql/execution/evaluated_columns.h"
#include "sql/execution/memory_budget.h"
#include "sql/execution/sorted_row_order.h"
#include "sql/execution/spill_file.h"
#include "sql/execution/value_order.h"

namespace stedi::sql {

int CompareKeyRows(const std::vector<const Column*>& x, size_t a,
                   const std::vector<const Column*>& y, size_t b,
                   const std::vector<SortKey>& keys) {
  for (size_t k = 0; k < keys.size(); ++k) {
    const Column& cx = *x[k];
    const Column& cy = *y[k];
    const bool nx = cx.IsNull(a), ny = cy.IsNull(b);
    if (nx || ny) {
      if (nx && ny) continue;
      // Null placement does not flip with DESC.
      return (nx == keys[k].nulls_first) ? -1 : 1;
    }
    int c = 0;
    switch (cx.type()) {
      case TypeId::kBoolean:
        c = CompareInts(cx.values()[a], cy.values()[b]);
        break;
      case TypeId::kInt32:
      case TypeId::kDate:
        c = CompareInts(cx.GetInt32(a), cy.GetInt32(b));
        break;
      case TypeId::kInt64:
      case TypeId::kTimestamp:
        c = CompareInts(cx.GetInt64(a), cy.GetInt64(b));
        break;
      case TypeId::kFloat64:
        c = CompareDoubles(cx.GetDouble(a), cy.GetDouble(b));
        break;
      case TypeId::kString:
      case TypeId::kBinary:
        c = CompareStrings(cx.GetString(a), cy.GetString(b));
        break;
    }
    if (c != 0) return keys[k].descending ? -c : c;
  }
  return 0;
}

namespace {

size_t ColumnBytes(const Column& c) {
  return c.values().size() + c.offsets().size() * 8 + c.validity().size();
}

size_t BatchBytes(const Batch& b) {
  size_t bytes = 0;
  for (const Column& c : b.columns()) bytes += ColumnBytes(c);
  return bytes;
}

// A buffered input batch with its evaluated sort keys beside it (not copied into it).
struct BufferedBatch {
  Batch child;
  std::vector<Column> keys;
  /// Returns column C of the keyed layout: the child's columns, then the keys.
  const Column& column(size_t c, size_t child_columns) const {
    return c < child_columns ? child.column(c) : keys[c - child_columns];
  }
};

// Keeps every input batch with its evaluated key columns, so that sorting in memory and merging
// spilled runs (written as the child's columns followed by the keys) never re-evaluate keys.
class SortOperator : public Operator {
 public:
  SortOperator(OperatorPtr child, std::vector<SortKey> keys, std::optional<size_t> limit,
               const ExecutionContext* context)
      : child_(std::move(child)), keys_(std::move(keys)), limit_(limit), context_(context) {
    std::vector<Field> fields = child_->schema()->fields();
    child_columns_ = fields.size();
    for (size_t k = 0; k < keys_.size(); ++k) {
      fields.push_back(Field{"__sort_key_" + std::to_string(k), keys_[k].expr->type});
      key_exprs_.push_back(keys_[k].expr.get());
    }
    keyed_schema_ = std::make_shared<const Schema>(std::move(fields));
  }

  const std::shared_ptr<const Schema>& schema() const override { return child_->schema(); }

  std::string Describe() const override {
    std::string s = "Sort keys=[";
    for (size_t k = 0; k < keys_.size(); ++k) {
      s += (k ? ", " : "") + keys_[k].expr->ToString() + (keys_[k].descending ? " DESC" : "") +
           (keys_[k].nulls_first ? " NULLS FIRST" : "");
    }
    s += "]";
    if (limit_) s += " limit=" + std::to_string(*limit_);
    return s;
  }

  Result<std::optional<Batch>> Next() override {
    if (limit_ && *limit_ == 0) return std::optional<Batch>();  // LIMIT 0 reads nothing
    if (!started_) {
      started_ = true;
      STEDI_RETURN_NOT_OK(ConsumeInput());
    }
    if (limit_ && emitted_ >= *limit_) return std::optional<Batch>();
    if (runs_.empty()) return NextInMemory();
    return NextMerged();
  }

 private:
  Status ConsumeInput() {
    EvaluatedColumns keys;
    while (true) {
      STEDI_ASSIGN_OR_RETURN(std::optional<Batch> batch, child_->Next());
      if (!batch) break;
      if (batch->num_rows() == 0) continue;
      STEDI_RETURN_NOT_OK(keys.Evaluate(key_exprs_, *batch));
      std::vector<Column> key_columns;
      for (const Column* k : keys.columns()) key_columns.push_back(*k);
      AddToBuffer(BufferedBatch{std::move(*batch), std::move(key_columns)});
      // (Written so that a huge LIMIT cannot overflow.)
      if (limit_ && *limit_ < buffered_rows_ && buffered_rows_ - *limit_ >= *limit_ + kBatchRows) {
        // Top-N: the rows past the first LIMIT can never be output.
        const std::vector<uint32_t> order = SortBuffered(*limit_);
        std::vector<Column> kept = Gather(order, keyed_schema_->num_fields());
        std::vector<Column> kept_keys(std::make_move_iterator(kept.begin() + child_columns_),
                                      std::make_move_iterator(kept.end()));
        kept.resize(child_columns_);
        ClearBuffer();
        AddToBuffer(BufferedBatch{Batch(child_->schema(), std::move(kept), order.size()),
                                  std::move(kept_keys)});
      }
      if (context_ && (buffered_bytes_ > context_->memory_limit_bytes ||
                       !reservation_.Resize(buffered_bytes_))) {
        STEDI_RETURN_NOT_OK(SpillRun());
      }
    }
    if (!runs_.empty()) {
      if (buffered_rows_ > 0) STEDI_RETURN_NOT_OK(SpillRun());
      for (auto& run : runs_) STEDI_RETURN_NOT_OK(run->FinishWriting());
      cursors_.resize(runs_.size());
      for (size_t i = 0; i < runs_.size(); ++i) STEDI_RETURN_NOT_OK(Advance(i));
    } else {
      order_ = SortBuffered(limit_);
    }
    return Status::OK();
  }

  void AddToBuffer(BufferedBatch batch) {
    const size_t rows = batch.child.num_rows();
    if (rows == 0) return;
    buffered_rows_ += rows;
    buffered_bytes_ += BatchBytes(batch.child);
    for (const Column& k : batch.keys) buffered_bytes_ += ColumnBytes(k);
    buffered_.push_back(std::move(batch));
  }

  void ClearBuffer() {
    reservation_.Reset();
    buffered_.clear();
    buffered_rows_ = 0;
    buffered_bytes_ = 0;
  }

  // Returns the buffered rows' positions in sorted order (only the first LIMIT when given).
  std::vector<uint32_t> SortBuffered(std::optional<size_t> limit) {
    ConsolidateBuffer();
    if (buffered_.empty()) return {};
    std::vector<const Column*> key_columns;
    for (const Column& k : buffered_[0].keys) key_columns.push_back(&k);
    return SortedRowOrder(key_columns, keys_, buffered_rows_, limit);
  }

  // Concatenates the buffered batches into one: sorting and gathering then work on contiguous
  // columns (bulk copies) instead of hopping between batches per row.
  void ConsolidateBuffer() {
    if (buffered_.size() <= 1) return;
    std::vector<Batch> children;
    std::vector<std::vector<Column>> key_parts(keys_.size());
    for (BufferedBatch& b : buffered_) {
      children.push_back(std::move(b.child));
      for (size_t k = 0; k < keys_.size(); ++k) key_parts[k].push_back(std::move(b.keys[k]));
    }
    buffered_.clear();
    BufferedBatch all{ConcatenateBatches(child_->schema(), children), {}};
    children.clear();
    for (auto& parts : key_parts) {
      all.keys.push_back(ConcatenateColumns(parts));
      parts.clear();
    }
    buffered_.push_back(std::move(all));
  }

  // Copies the rows ROWS of the (consolidated) buffer into the first COLUMNS columns of the
  // keyed schema (the child's, then the keys).
  std::vector<Column> Gather(std::span<const uint32_t> rows, size_t num_columns) const {
    std::vector<Column> columns;
    for (size_t c = 0; c < num_columns; ++c) {
      columns.push_back(buffered_.empty()
                            ? Column(keyed_schema_->field(c).type)
                            : TakeColumn(buffered_[0].column(c, child_columns_), rows));
    }
    return columns;
  }

  Status SpillRun() {
    const std::vector<uint32_t> order = SortBuffered(limit_);
    STEDI_ASSIGN_OR_RETURN(std::unique_ptr<SpillFile> file,
                           SpillFile::Create(context_, keyed_schema_));
    for (size_t begin = 0; begin < order.size(); begin += kBatchRows) {
      const size_t end = std::min(order.size(), begin + kBatchRows);
      STEDI_RETURN_NOT_OK(
          file->Append(Batch(keyed_schema_,
                             Gather(std::span<const uint32_t>(order.data() + begin, end - begin),
                                    keyed_schema_->num_fields()),
                             end - begin)));
    }
    runs_.push_back(std::move(file));
    ClearBuffer();
    return Status::OK();
  }

  Result<std::optional<Batch>> NextInMemory() {
    if (emitted_ >= order_.size()) return std::optional<Batch>();
    const size_t end = std::min(order_.size(), emitted_ + kBatchRows);
    Batch out(
        child_->schema(),
        Gather(std::span<const uint32_t>(order_.data() + emitted_, end - emitted_), child_columns_),
        end - emitted_);
    emitted_ = end;
    return std::optional<Batch>(std::move(out));
  }

  struct RunCursor {
    std::optional<Batch> batch;  // nullopt once the run is exhausted
    size_t row = 0;
    std::vector<const Column*> keys;
  };

  Status Advance(size_t run) {
    RunCursor& cur = cursors_[run];
    if (cur.batch && ++cur.row < cur.batch->num_rows()) return Status::OK();
    while (true) {
      STEDI_ASSIGN_OR_RETURN(cur.batch, runs_[run]->ReadNext());
      cur.row = 0;
      if (!cur.batch || cur.batch->num_rows() > 0) break;
    }
    cur.keys.clear();
    if (cur.batch) {
      for (size_t k = 0; k < keys_.size(); ++k) {
        cur.keys.push_back(&cur.batch->column(child_columns_ + k));
      }
    }
    return Status::OK();
  }

  // Orders the merge heap: the top is the smallest key, ties to the earlier run (stability).
  bool MergeAfter(size_t a, size_t b) const {
    const int c =
        CompareKeyRows(cursors_[a].keys, cursors_[a].row, cursors_[b].keys, cursors_[b].row, keys_);
    return c > 0 || (c == 0 && a > b);
  }

  // K-way merge of the sorted runs through a binary heap of run indexes.
  Result<std::optional<Batch>> NextMerged() {
    auto after = [this](size_t a, size_t b) { return MergeAfter(a, b); };
    if (!heap_built_) {
      heap_built_ = true;
      for (size_t i = 0; i < runs_.size(); ++i) {
        if (cursors_[i].batch) heap_.push_back(i);
      }
      std::make_heap(heap_.begin(), heap_.end(), after);
    }
    BatchBuilder out(child_->schema());
    size_t want = kBatchRows;
    if (limit_) want = std::min(want, *limit_ - emitted_);
    size_t rows = 0;
    while (rows < want && !heap_.empty()) {
      std::pop_heap(heap_.begin(), heap_.end(), after);
      const size_t best = heap_.back();
      const RunCursor& cur = cursors_[best];
      for (size_t c = 0; c < child_columns_; ++c) {
        out.column(c).AppendFrom(cur.batch->column(c), cur.row);
      }
      ++rows;
      STEDI_RETURN_NOT_OK(Advance(best));
      if (cursors_[best].batch) {
        std::push_heap(heap_.begin(), heap_.end(), after);
      } else {
        heap_.pop_back();
      }
    }
    if (rows == 0) return std::optional<Batch>();
    emitted_ += rows;
    // A child without columns still has rows (BatchBuilder counts none).
    if (child_columns_ == 0) return std::optional<Batch>(Batch(child_->schema(), {}, rows));
    return std::optional<Batch>(out.Finish());
  }

  OperatorPtr child_;
  std::vector<SortKey> keys_;
  std::optional<size_t> limit_;
  const ExecutionContext* context_;
  MemoryReservation reservation_{context_ ? context_->memory_budget : nullptr};  // the buffer
  std::vector<const BoundExpr*> key_exprs_;
  size_t child_columns_ = 0;
  std::shared_ptr<const Schema> keyed_schema_;

  bool started_ = false;
  std::vector<BufferedBatch> buffered_;
  size_t buffered_rows_ = 0;
  size_t buffered_bytes_ = 0;
  std::vector<uint32_t> order_;  // the sorted positions, when nothing spilled
  size_t emitted_ = 0;
  std::vector<std::unique_ptr<SpillFile>> runs_;
  std::vector<RunCursor> cursors_;
  std::vector<size_t> heap_;
  bool heap_built_ = false;
};

}  // namespace

OperatorPtr MakeSort(OperatorPtr child, std::vector<SortKey> keys, std::optional<size_t> limit,
                     const ExecutionContext* context) {
  return std::make_unique<SortOperator>(std::move(child), std::move(keys), limit, context);
}

}  // namespace stedi::sql
