#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "columnar/schema.h"
#include "sql/parser/ast.h"
#include "status/result.h"

namespace stedi {
class Catalog;
}

namespace stedi::sql {

/// What a query reads of one table: its schema and the Parquet files of the chosen version.
struct TableSource {
  std::string name;  // lower-case
  std::shared_ptr<const Schema> schema;
  std::vector<std::string> files;  // absolute paths (or paths the ExecutionContext's fs opens)
  uint64_t rows = 0;
};

/// Resolves table names for the binder. The catalog is one implementation; the pipeline layers
/// the tables a run has built but not yet published over it.
class TableResolver {
 public:
  virtual ~TableResolver() = default;
  /// The lake's database name: `"db"."t"` and `db.t` must name it.
  virtual const std::string& database() const = 0;
  /// Returns table NAME (case-insensitive) at TIME_TRAVEL (nullopt: current). NotFound names
  /// the table and the database.
  virtual Result<TableSource> Resolve(std::string_view name,
                                      const std::optional<TimeTravel>& time_travel) = 0;
  /// Every table name, for the shell's .tables and error hints.
  virtual Result<std::vector<std::string>> TableNames() = 0;
};

/// Resolves names against CATALOG's tables (CATALOG outlives the resolver): the current
/// snapshot, or with time travel the snapshot of that id or the one current at that time.
std::unique_ptr<TableResolver> MakeCatalogResolver(Catalog* catalog);

}  // namespace stedi::sql
