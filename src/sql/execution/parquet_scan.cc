#include "sql/execution/parquet_scan.h"

#include <deque>
#include <future>

#include "columnar/column_kernels.h"
#include "formats/parquet/file_reader.h"
#include "storage/file_system.h"

namespace stedi::sql {
namespace {

// Widens a column read from an older file to the table's current type (int → bigint is the
// only widening our files need: doubles are always doubles).
Result<Column> ConvertColumn(Column column, TypeId to, const std::string& name,
                             const std::string& file) {
  if (column.type() == to) return column;
  if (column.type() == TypeId::kInt32 && to == TypeId::kInt64) {
    ColumnBuilder out(to);
    out.Reserve(column.size());
    for (size_t i = 0; i < column.size(); ++i) {
      if (column.IsNull(i)) {
        out.AppendNull();
      } else {
        out.AppendInt64(column.GetInt32(i));
      }
    }
    return out.Finish();
  }
  return Status::Invalid(file + ": column " + name + " is " + std::string(TypeName(column.type())) +
                         ", the table says " + std::string(TypeName(to)));
}

// One unit of work: a row group of an opened file, with the file positions of the wanted
// columns (-1: not in this file).
struct RowGroupTask {
  std::shared_ptr<parquet::FileReader> reader;
  std::string path;
  int row_group = 0;
  std::vector<int> positions;
  size_t column_threads = 1;  // how many of its columns decode side by side
};

// The file column holding table column WANTED, or -1 when the file predates the column.
// Iceberg identifies columns by field id (a renamed column keeps its id, a dropped and re-added
// one gets a new id), so ids decide when the file has them; files written without ids (by
// tools that know no Iceberg) fall back to the name.
int FindFileColumn(const Schema& file, const Field& wanted) {
  bool file_has_ids = false;
  for (size_t i = 0; i < file.num_fields(); ++i) {
    if (file.field(i).field_id > 0) file_has_ids = true;
    if (wanted.field_id > 0 && file.field(i).field_id == wanted.field_id) {
      return static_cast<int>(i);
    }
  }
  if (file_has_ids && wanted.field_id > 0) return -1;
  std::optional<size_t> at = file.FindField(wanted.name);
  return at ? static_cast<int>(*at) : -1;
}

class ParquetScan final : public Operator {
 public:
  ParquetScan(std::vector<std::string> files, std::shared_ptr<const Schema> schema,
              const ExecutionContext* context)
      : files_(std::move(files)), schema_(std::move(schema)), context_(context) {}

  ~ParquetScan() override {
    for (auto& f : pending_) f.wait();
  }

  const std::shared_ptr<const Schema>& schema() const override { return schema_; }

  std::string Describe() const override {
    return "ParquetScan files=" + std::to_string(files_.size()) +
           " columns=" + std::to_string(schema_->num_fields());
  }

  Result<std::optional<Batch>> Next() override {
    while (true) {
      STEDI_RETURN_NOT_OK(FillQueue());
      if (pending_.empty()) return std::optional<Batch>();
      Result<Batch> batch = pending_.front().get();
      pending_.pop_front();
      STEDI_RETURN_NOT_OK(batch.status());
      if (batch->num_rows() > 0) return std::optional<Batch>(std::move(*batch));
    }
  }

 private:
  // Keeps up to `threads` row groups decoding in the background. When fewer row groups are
  // left than threads (a table of one or two row groups, the end of any table), the ones
  // started decode their columns side by side, so that no core waits on a lone decoder.
  Status FillQueue() {
    const size_t ahead = static_cast<size_t>(std::max(1, context_ ? context_->threads : 1));
    std::vector<RowGroupTask> tasks;
    while (pending_.size() + tasks.size() < ahead) {
      STEDI_ASSIGN_OR_RETURN(std::optional<RowGroupTask> task, NextTask());
      if (!task) break;
      tasks.push_back(std::move(*task));
    }
    if (tasks.empty()) return Status::OK();
    const size_t in_flight = pending_.size() + tasks.size();
    const size_t column_threads = in_flight < ahead ? ahead - in_flight + 1 : 1;
    for (RowGroupTask& task : tasks) {
      task.column_threads = column_threads;
      pending_.push_back(
          std::async(std::launch::async, [this, t = std::move(task)]() { return ReadTask(t); }));
    }
    return Status::OK();
  }

  Result<std::optional<RowGroupTask>> NextTask() {
    while (!reader_ || next_row_group_ >= reader_->num_row_groups()) {
      if (next_file_ >= files_.size()) return std::optional<RowGroupTask>();
      const std::string& path = files_[next_file_++];
      STEDI_ASSIGN_OR_RETURN(std::unique_ptr<RandomAccessFile> file,
                             context_->fs->OpenForRead(path));
      Result<std::unique_ptr<parquet::FileReader>> opened =
          parquet::FileReader::Open(std::shared_ptr<RandomAccessFile>(std::move(file)));
      if (!opened.ok()) return opened.status().WithContext(path);
      reader_ = std::shared_ptr<parquet::FileReader>(std::move(*opened));
      reader_path_ = path;
      next_row_group_ = 0;
      positions_.clear();
      const Schema& file_schema = *reader_->schema();
      for (const Field& f : schema_->fields()) {
        positions_.push_back(FindFileColumn(file_schema, f));
      }
    }
    return std::optional<RowGroupTask>(
        RowGroupTask{reader_, reader_path_, next_row_group_++, positions_});
  }

  Result<Batch> ReadTask(const RowGroupTask& task) const {
    std::vector<int> present;
    for (int p : task.positions) {
      if (p >= 0) present.push_back(p);
    }
    Result<Batch> read = Batch();
    // An empty list would mean "all columns" to the reader; count(*) needs none.
    if (!present.empty()) {
      read = task.reader->ReadRowGroup(task.row_group, present, task.column_threads);
    }
    if (!read.ok()) return read.status().WithContext(task.path);
    const size_t rows = task.reader->metadata().row_groups[task.row_group].num_rows;
    std::vector<Column> columns;
    size_t next_present = 0;
    for (size_t i = 0; i < schema_->num_fields(); ++i) {
      const Field& f = schema_->field(i);
      if (task.positions[i] < 0) {
        columns.push_back(NullColumn(f.type, rows));
        continue;
      }
      STEDI_ASSIGN_OR_RETURN(
          Column c, ConvertColumn(read->ReleaseColumn(next_present++), f.type, f.name, task.path));
      columns.push_back(std::move(c));
    }
    return Batch(schema_, std::move(columns), rows);
  }

  std::vector<std::string> files_;
  std::shared_ptr<const Schema> schema_;
  const ExecutionContext* context_;
  size_t next_file_ = 0;
  std::shared_ptr<parquet::FileReader> reader_;
  std::string reader_path_;
  int next_row_group_ = 0;
  std::vector<int> positions_;
  std::deque<std::future<Result<Batch>>> pending_;
};

}  // namespace

OperatorPtr MakeParquetScan(std::vector<std::string> files,
                            std::shared_ptr<const Schema> output_schema,
                            const ExecutionContext* context) {
  return std::make_unique<ParquetScan>(std::move(files), std::move(output_schema), context);
}

}  // namespace stedi::sql
