#pragma once

#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "catalog/catalog_entries.h"
#include "status/result.h"
#include "storage/file_system.h"

namespace stedi {

/// One transformation: a SELECT whose result becomes table TABLE of ZONE.
struct Model {
  std::string table;  ///< Lower-case, from the file name.
  Zone zone = Zone::kTrusted;
  std::string source;  ///< customer, accelerometer, step_trainer, ...: the lake folder it lives in.
  std::string sql;
  std::string file;  ///< Where the SQL came from, for messages (e.g. models/trusted/x.sql).
  /// Tables built by the same model set that this model reads (filled by OrderModels).
  std::vector<std::string> dependencies;
};

/// The models folder: `<zone>/<table>.sql` (the standard policy) and
/// `policies/<policy>/<zone>/<table>.sql` (files that replace the standard one of the same zone
/// and table, or add a table). Zones are trusted and curated. Files not ending in .sql are
/// ignored.
class ModelSet {
 public:
  static constexpr std::string_view kStandardPolicy = "standard";

  /// Returns the models compiled into stedi from the repository's models/ folder.
  static ModelSet Embedded();
  /// Reads every file below DIR.
  static Result<ModelSet> FromFolder(FileSystem& fs, const std::string& dir);
  /// Builds a set from FILES (path relative to the folder → contents); ORIGIN prefixes paths
  /// in messages.
  ModelSet(std::string origin, std::map<std::string, std::string> files)
      : origin_(std::move(origin)), files_(std::move(files)) {}

  /// Returns the policies the set defines: "standard" first, then the others by name.
  std::vector<std::string> Policies() const;

  /// Returns the models of POLICY sorted by zone (trusted first) then table. Invalid for an
  /// unknown policy (listing the known ones), a misplaced .sql file, a bad table name, or a
  /// table defined twice.
  Result<std::vector<Model>> Load(std::string_view policy) const;

 private:
  std::string origin_;
  std::map<std::string, std::string> files_;
};

/// Returns the lake folder (source) of a built TABLE: the name before `_trusted`/`_curated`
/// (customer_trusted → customer); machine_learning_curated lives under step_trainer as in the
/// original lake.
std::string SourceOfModelTable(std::string_view table);

}  // namespace stedi
