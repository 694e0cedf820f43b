#pragma once

#include <chrono>
#include <memory>
#include <ostream>
#include <string>
#include <string_view>

#include "catalog/catalog.h"
#include "cli/table_printer.h"
#include "sql/execution/memory_budget.h"
#include "sql/execution/operator.h"
#include "sql/table_resolver.h"
#include "status/result.h"
#include "storage/file_system.h"

namespace stedi {

/// What the user can change while a session runs (the shell's .mode and .timer).
struct SqlSessionSettings {
  OutputFormat format = OutputFormat::kTable;
  bool timer = false;
};

/// One lake opened for read-only queries: the catalog, a resolver over it and the execution
/// context every query shares. Used by `stedi sql` for a single query, a script or the shell.
class SqlSession {
 public:
  /// Opens the existing lake LAKE_DIR (NotFound when it has no catalog.db). THREADS 0 means
  /// one per core; MEMORY_LIMIT 0 means sql::DefaultMemoryLimit() bytes for the hash tables
  /// and sort buffers of the queries before they spill.
  static Result<std::unique_ptr<SqlSession>> Open(const std::string& lake_dir, size_t threads,
                                                  size_t memory_limit = 0);

  SqlSessionSettings& settings() { return settings_; }
  Catalog& catalog() { return *catalog_; }

  /// Runs SQL (exactly one SELECT) and writes its result to OUT in the current format,
  /// batch by batch; with the timer on, writes "Run Time: S s" to TIMER_OUT afterwards.
  Status Run(std::string_view sql, std::ostream& out, std::ostream& timer_out);

 private:
  SqlSession() = default;

  std::unique_ptr<FileSystem> fs_;
  std::unique_ptr<Catalog> catalog_;
  std::unique_ptr<sql::TableResolver> resolver_;
  std::unique_ptr<sql::MemoryBudget> budget_;
  sql::ExecutionContext context_;
  SqlSessionSettings settings_;
};

}  // namespace stedi
