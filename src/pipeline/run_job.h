#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "catalog/catalog_entries.h"
#include "pipeline/validation_report.h"
#include "status/result.h"
#include "storage/file_system.h"

namespace stedi {

class Catalog;

struct RunOptions {
  std::string lake_dir;
  std::string policy = "standard";
  /// Folder of models; nullopt: the models compiled into stedi.
  std::optional<std::string> models_dir;
  /// Worker threads for the queries; 0 means one per core.
  size_t threads = 0;
  /// Bytes the queries' hash tables and sort buffers may hold together before they spill;
  /// 0 means sql::DefaultMemoryLimit().
  size_t memory_limit = 0;
  /// Also validate the built tables (ValidateTables, under POLICY) while the commit publishes
  /// them: the commit mostly waits on the disk, the validation mostly on the CPU.
  bool validate = false;
};

/// One table a run built.
struct BuiltTable {
  std::string table;
  Zone zone = Zone::kTrusted;
  std::string model_file;
  std::vector<std::string> dependencies;  ///< Tables of this run it read.
  int64_t rows = 0;
  size_t data_files = 0;
  int64_t version = 0;  ///< The table's catalog version after the commit.
  double seconds = 0;
};

struct RunReport {
  std::string database;
  std::string policy;
  std::string run_id;
  std::vector<BuiltTable> tables;  ///< In build order.
  /// Problems after the commit that did not undo it (e.g. an old file that could not be
  /// deleted), for the user to see.
  std::vector<std::string> warnings;
  double seconds = 0;
  /// With RunOptions::validate: the report on the published tables, or why it failed (the
  /// tables are published either way).
  std::optional<Result<ValidationReport>> validation;
};

/// Builds every table of the policy's models in dependency order and publishes them all in ONE
/// catalog commit (each table replaced, compare-and-swap on the version read at the start, so
/// a concurrent run fails with Conflict). A model reads the tables built before it in this run
/// (not yet published) and the lake's other tables. After the commit the replaced data files
/// are deleted. On error nothing is published and the run's own files are removed. Running
/// twice gives the same rows.
Result<RunReport> RunPipeline(FileSystem& fs, const RunOptions& options);
/// As above, through CATALOG, an open catalog of options.lake_dir (shared with what follows
/// the run, such as ValidateLake, so the catalog is opened once).
Result<RunReport> RunPipeline(FileSystem& fs, Catalog& catalog, const RunOptions& options);

}  // namespace stedi
