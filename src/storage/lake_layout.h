#pragma once

#include <string>
#include <string_view>

namespace stedi {

/// Where things live inside a lake folder. The zone folders follow the original S3 lake
/// (`customer/{landing,trusted,curated}`, `accelerometer/{landing,trusted}`,
/// `step_trainer/{landing,trusted,curated}`); each table is a folder inside its zone folder
/// holding `data/` (Parquet files) and, later, `metadata/` (Iceberg).
///
///   DIR/catalog.db                                  the catalog (SQLite)
///   DIR/<source>/landing/raw/<file>                 raw landing files, byte for byte
///   DIR/<source>/<zone>/<table>/data/<name>.parquet table data files
///   DIR/quarantine/data/<name>.parquet              fragments ingest could not parse
///   DIR/_tmp/                                       scratch space (spills), never data
class LakeLayout {
 public:
  explicit LakeLayout(std::string root) : root_(std::move(root)) {}

  const std::string& root() const { return root_; }
  /// Returns the absolute path of RELATIVE, a path inside the lake (an absolute path is
  /// returned as it is).
  std::string Resolve(std::string_view relative) const;
  std::string CatalogPath() const;
  /// Returns the folder (relative to the root) holding raw landing files of SOURCE.
  static std::string RawFolder(std::string_view source);
  /// Returns the folder (relative to the root) of TABLE in ZONE of SOURCE
  /// (SOURCE empty for tables outside the sources, such as quarantine).
  static std::string TableFolder(std::string_view source, std::string_view zone,
                                 std::string_view table);
  std::string TempFolder() const;

 private:
  std::string root_;
};

}  // namespace stedi
