#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "catalog/catalog_entries.h"
#include "status/result.h"
#include "storage/file_system.h"

namespace stedi {

class Catalog;
namespace sql {
class TableResolver;
}

/// Rows of one table, beside the original lake's count when the landing data is the real
/// STEDI data.
struct TableCountLine {
  std::string table;
  Zone zone = Zone::kLanding;
  int64_t rows = 0;                 ///< Counted by a query over the table's data files.
  std::optional<int64_t> original;  ///< The original lake's rows (real data only).
  std::string note;                 ///< Why ROWS differs from ORIGINAL; empty when equal.
};

/// A property of the built tables, measured by a query.
struct ValidationCheck {
  enum class Kind {
    kMustBeZero,   ///< Holds by construction; any other value is a failure.
    kInformation,  ///< Reported only (e.g. the rubric's cross-customer pairs).
  };
  std::string table;
  std::string description;  ///< What VALUE counts, e.g. "rows without research consent".
  int64_t value = 0;
  Kind kind = Kind::kMustBeZero;

  bool passed() const { return kind == Kind::kInformation || value == 0; }
};

struct ValidationReport {
  std::string policy;
  bool real_stedi_data = false;        ///< The landing tables hold exactly the real STEDI counts.
  std::vector<TableCountLine> tables;  ///< Landing, then trusted, then curated.
  std::vector<ValidationCheck> checks;

  bool passed() const;
};

/// Queries the lake's tables (through the SQL engine) for their row counts and for the checks
/// that must hold by construction under POLICY: no trusted or curated row of a customer without
/// research consent; under every policy but rubric, no machine_learning_curated row pairing one
/// customer's steps with another customer's phone (rubric: reported as information); under
/// since-consent, no reading before the customer's consent. Checks whose tables are missing
/// are left out. With the real STEDI landing data, adds the original lake's counts and a
/// one-line reason for each difference.
Result<ValidationReport> ValidateLake(FileSystem& fs, const std::string& lake_dir,
                                      std::string_view policy, size_t threads,
                                      size_t memory_limit = 0);
/// As above, through CATALOG, an open catalog of the lake.
Result<ValidationReport> ValidateLake(FileSystem& fs, Catalog& catalog, std::string_view policy,
                                      size_t threads, size_t memory_limit = 0);
/// As above, for the tables ENTRIES lists (as Catalog::ListTables would; name, zone and rows
/// are read), each read through RESOLVER; spill files go to TEMP_DIR. A run validates its new
/// tables this way while its commit publishes them.
Result<ValidationReport> ValidateTables(FileSystem& fs, sql::TableResolver& resolver,
                                        const std::vector<TableEntry>& entries,
                                        const std::string& temp_dir, std::string_view policy,
                                        size_t threads, size_t memory_limit = 0);

}  // namespace stedi
