#include "pipeline/run_job.h"

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <ctime>
#include <future>
#include <random>
#include <set>

#include "catalog/catalog.h"
#include "concurrency/thread_pool.h"
#include "formats/iceberg/parquet_metrics.h"
#include "formats/parquet/file_writer.h"
#include "pipeline/model_graph.h"
#include "pipeline/model_set.h"
#include "pipeline/overlay_table_resolver.h"
#include "sql/execution/background_prefetch.h"
#include "sql/execution/memory_budget.h"
#include "sql/query.h"
#include "storage/lake_layout.h"

namespace stedi {
namespace {

// A data file is closed and a new one started after this many rows.
constexpr int64_t kRowsPerDataFile = 8 << 20;

// Returns a name unique to this run, so files of concurrent or crashed runs never collide.
std::string NewRunId() {
  std::time_t t = std::chrono::system_clock::to_time_t(std::chrono::system_clock::now());
  std::tm tm{};
  gmtime_r(&t, &tm);
  char stamp[32];
  std::strftime(stamp, sizeof(stamp), "%Y%m%dT%H%M%S", &tm);
  std::random_device rd;
  char suffix[16];
  std::snprintf(suffix, sizeof(suffix), "%08x", rd());
  return "run-" + std::string(stamp) + "-" + suffix;
}

double SecondsSince(std::chrono::steady_clock::time_point start) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
}

std::string Lower(std::string_view s) {
  std::string out(s);
  for (char& c : out) {
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  }
  return out;
}

// The stored schema of a model's result: column names lower-case as Athena shows them. Field
// ids follow Iceberg's rule: a column the table already has keeps its id (matched by name),
// a new one gets a fresh id above every id the table used. Two columns of one name could not
// be told apart by readers, so they are refused.
Result<std::shared_ptr<const Schema>> StoredSchema(const Schema& result, const Model& model,
                                                   const Schema* previous,
                                                   int previous_last_column_id) {
  if (result.num_fields() == 0) return Status::Invalid(model.file + ": the query has no columns");
  std::vector<Field> fields;
  std::set<std::string> seen;
  int next_id = previous_last_column_id;
  if (previous) {
    for (const Field& f : previous->fields()) next_id = std::max(next_id, f.field_id);
  }
  for (size_t i = 0; i < result.num_fields(); ++i) {
    Field f = result.field(i);
    f.name = Lower(f.name);
    std::optional<size_t> kept = previous ? previous->FindField(f.name) : std::nullopt;
    f.field_id = kept ? previous->field(*kept).field_id : ++next_id;
    if (f.name.empty()) {
      return Status::Invalid(model.file + ": result column " + std::to_string(i + 1) +
                             " has no name; give it an alias");
    }
    if (!seen.insert(f.name).second) {
      return Status::Invalid(model.file + ": result column " + f.name +
                             " appears twice; give one an alias");
    }
    fields.push_back(std::move(f));
  }
  return std::make_shared<const Schema>(std::move(fields));
}

class PipelineRun {
 public:
  PipelineRun(FileSystem& fs, const RunOptions& options, Catalog& catalog)
      : fs_(fs),
        options_(options),
        catalog_(catalog),
        layout_(options.lake_dir),
        resolver_(sql::MakeCatalogResolver(&catalog)),
        budget_(options.memory_limit ? options.memory_limit : sql::DefaultMemoryLimit()) {
    report_.database = catalog.database();
    report_.policy = options.policy;
    report_.run_id = NewRunId();
    context_.fs = &fs;
    context_.temp_dir = layout_.TempFolder();
    context_.threads = static_cast<int>(options.threads ? options.threads : DefaultParallelism());
    context_.memory_budget = &budget_;
    context_.memory_limit_bytes = budget_.limit();
  }

  Result<RunReport> Run() {
    const auto start = std::chrono::steady_clock::now();
    Status status = BuildAndCommit();
    if (!status.ok() && !committed_) {
      // Nothing was published: the files this run wrote are unreachable, remove them.
      for (const std::string& path : written_) (void)fs_.DeleteFile(layout_.Resolve(path));
      return status;
    }
    STEDI_RETURN_NOT_OK(status);
    // The replaced versions' files stay: older snapshots (time travel) still read them until
    // `stedi expire` drops those snapshots.
    report_.seconds = SecondsSince(start);
    return report_;
  }

 private:
  Status BuildAndCommit() {
    ModelSet models = ModelSet::Embedded();
    if (options_.models_dir) {
      STEDI_ASSIGN_OR_RETURN(models, ModelSet::FromFolder(fs_, *options_.models_dir));
    }
    STEDI_ASSIGN_OR_RETURN(std::vector<Model> loaded, models.Load(options_.policy));
    STEDI_ASSIGN_OR_RETURN(std::vector<TableEntry> existing, catalog_.ListTables());
    std::vector<std::string> existing_names;
    for (const TableEntry& t : existing) existing_names.push_back(t.name);
    STEDI_ASSIGN_OR_RETURN(std::vector<Model> ordered,
                           OrderModels(std::move(loaded), existing_names));
    STEDI_RETURN_NOT_OK(fs_.CreateDirs(context_.temp_dir));

    CommitRequest request;
    for (const Model& model : ordered) {
      TableChange change;
      change.table = model.table;
      change.zone = model.zone;
      change.location = LakeLayout::TableFolder(model.source, ZoneName(model.zone), model.table);
      change.mode = TableChange::Mode::kReplace;
      change.expected_version = 0;  // the table must not appear meanwhile
      const TableEntry* previous = nullptr;
      for (const TableEntry& t : existing) {
        if (!NamesEqual(t.name, model.table)) continue;
        if (t.zone != model.zone) {
          return Status::Invalid(model.file + " builds table " + model.table + " in zone " +
                                 std::string(ZoneName(model.zone)) + ", but the lake has it in " +
                                 std::string(ZoneName(t.zone)));
        }
        change.expected_version = t.version;
        // Keep the table where it is: its location is fixed when it is created.
        change.location = t.location;
        previous = &t;
      }
      int last_column_id = 0;
      if (previous) {
        // Ids a dropped column once had are never reused (Iceberg's last-column-id).
        auto metadata = catalog_.IcebergMetadata(previous->name);
        if (metadata.ok()) last_column_id = metadata->last_column_id;
      }
      STEDI_RETURN_NOT_OK(
          Build(model, previous ? &previous->schema : nullptr, last_column_id, &change));
      request.tables.push_back(std::move(change));
    }
    // Commit makes the data files durable (one barrier with its own metadata) before publishing.
    Status committed;
    if (options_.validate) {
      // Every table the validation reads is resolved first, so it never waits for the catalog
      // the commit holds while it syncs. Rows as resolved: an ingest may have added landing
      // files since the run listed the tables.
      std::vector<TableEntry> tables = TablesAfterCommit(existing);
      OverlayTableResolver snapshot(sql::MakeCatalogResolver(&catalog_));
      for (TableEntry& t : tables) {
        auto source = resolver_.Resolve(t.name, std::nullopt);
        if (!source.ok()) continue;
        t.rows = static_cast<int64_t>(source->rows);
        snapshot.Add(std::move(*source));
      }
      std::future<Status> commit =
          std::async(std::launch::async, [this, &request] { return catalog_.Commit(request); });
      report_.validation =
          ValidateTables(fs_, snapshot, tables, context_.temp_dir, options_.policy,
                         static_cast<size_t>(context_.threads), options_.memory_limit);
      committed = commit.get();
    } else {
      committed = catalog_.Commit(request);
    }
    if (committed.IsConflict()) {
      return committed.WithContext(
          "another run or ingest changed these tables while this one ran; nothing was "
          "published, run again");
    }
    STEDI_RETURN_NOT_OK(committed);
    committed_ = true;
    for (BuiltTable& b : report_.tables) {
      auto version = catalog_.TableVersion(b.table);
      if (version.ok()) {
        b.version = *version;
      } else {
        report_.warnings.push_back("published, but reading back the version failed: " +
                                   version.status().ToString());
      }
    }
    return Status::OK();
  }

  // The tables as Catalog::ListTables will list them once this run's commit is published:
  // EXISTING (listed at the start) with the built tables' rows, new ones last.
  std::vector<TableEntry> TablesAfterCommit(const std::vector<TableEntry>& existing) const {
    std::vector<TableEntry> tables = existing;
    for (const BuiltTable& b : report_.tables) {
      auto same = [&b](const TableEntry& t) { return NamesEqual(t.name, b.table); };
      auto it = std::find_if(tables.begin(), tables.end(), same);
      if (it == tables.end()) it = tables.insert(tables.end(), TableEntry{});
      it->name = b.table;
      it->zone = b.zone;
      it->rows = b.rows;
    }
    return tables;
  }

  // Runs MODEL's query and writes its rows as new data files of CHANGE's table.
  Status Build(const Model& model, const Schema* previous_schema, int last_column_id,
               TableChange* change) {
    const auto start = std::chrono::steady_clock::now();
    auto prepared = sql::PrepareQuery(model.sql, &resolver_, &context_);
    if (!prepared.ok()) return prepared.status().WithContext(model.file);
    // The query runs on its own thread while this one encodes and writes Parquet.
    prepared->root = sql::MakeBackgroundPrefetch(std::move(prepared->root));
    STEDI_ASSIGN_OR_RETURN(std::shared_ptr<const Schema> schema,
                           StoredSchema(*prepared->schema, model, previous_schema, last_column_id));
    change->schema = *schema;

    std::unique_ptr<parquet::FileWriter> writer;
    std::string path;
    int64_t rows_in_file = 0;
    auto close_file = [&]() -> Status {
      if (!writer) return Status::OK();
      STEDI_ASSIGN_OR_RETURN(parquet::FileSummary summary, writer->Close());
      writer.reset();
      change->files.push_back(DataFile{path, summary.num_rows, summary.file_bytes,
                                       iceberg::MetricsFromParquet(summary)});
      return Status::OK();
    };
    while (true) {
      auto next = prepared->root->Next();
      if (!next.ok()) return next.status().WithContext(model.file);
      if (!next->has_value()) break;
      const Batch& batch = **next;
      if (batch.num_rows() == 0) continue;
      if (!writer) {
        path = JoinPath(change->location,
                        "data/" + report_.run_id + "-" + std::to_string(next_file_++) + ".parquet");
        written_.push_back(path);
        STEDI_ASSIGN_OR_RETURN(auto out,
                               fs_.OpenForWrite(layout_.Resolve(path), SyncMode::kDeferred));
        parquet::WriterOptions writer_options;
        writer_options.threads = static_cast<size_t>(context_.threads);
        STEDI_ASSIGN_OR_RETURN(writer,
                               parquet::FileWriter::Open(std::move(out), schema, writer_options));
        rows_in_file = 0;
      }
      STEDI_RETURN_NOT_OK(writer->Write(batch));
      rows_in_file += static_cast<int64_t>(batch.num_rows());
      if (rows_in_file >= kRowsPerDataFile) STEDI_RETURN_NOT_OK(close_file());
    }
    STEDI_RETURN_NOT_OK(close_file());
    prepared->root.reset();  // release the query's buffers and spill files

    sql::TableSource source;
    source.name = model.table;
    source.schema = schema;
    BuiltTable built;
    built.table = model.table;
    built.zone = model.zone;
    built.model_file = model.file;
    built.dependencies = model.dependencies;
    for (const DataFile& f : change->files) {
      source.files.push_back(layout_.Resolve(f.path));
      source.rows += static_cast<uint64_t>(f.rows);
      built.rows += f.rows;
    }
    built.data_files = change->files.size();
    built.seconds = SecondsSince(start);
    resolver_.Add(std::move(source));
    report_.tables.push_back(std::move(built));
    return Status::OK();
  }

  FileSystem& fs_;
  const RunOptions& options_;
  Catalog& catalog_;
  LakeLayout layout_;
  OverlayTableResolver resolver_;
  sql::MemoryBudget budget_;
  sql::ExecutionContext context_;
  RunReport report_;
  std::vector<std::string> written_;  // relative to the lake root
  uint64_t next_file_ = 0;
  bool committed_ = false;  // once true, the files written are published and must stay
};

}  // namespace

Result<RunReport> RunPipeline(FileSystem& fs, const RunOptions& options) {
  STEDI_ASSIGN_OR_RETURN(auto catalog, Catalog::OpenExisting(options.lake_dir));
  return RunPipeline(fs, *catalog, options);
}

Result<RunReport> RunPipeline(FileSystem& fs, Catalog& catalog, const RunOptions& options) {
  PipelineRun run(fs, options, catalog);
  return run.Run();
}

}  // namespace stedi
