#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "columnar/schema.h"
#include "formats/iceberg/manifest.h"
#include "status/result.h"

namespace stedi {

/// The zone a table belongs to, as in the original lake: raw landing data, trusted (filtered
/// by consent) and curated (joined, ready for machine learning). External: an Iceberg table
/// another engine (PyIceberg, Spark) created in the lake's namespace.
enum class Zone { kLanding, kTrusted, kCurated, kExternal };

/// Returns "landing", "trusted", "curated" or "external".
std::string_view ZoneName(Zone zone);
/// Parses a name produced by ZoneName (case-insensitive); Invalid names the bad value.
Result<Zone> ParseZone(std::string_view name);

/// One immutable data file of a table.
struct DataFile {
  std::string path;  ///< Relative to the lake root; absolute for files outside the lake.
  int64_t rows = 0;
  uint64_t bytes = 0;
  /// Per-column counts and bounds for the Iceberg manifest (by field id); may be empty.
  std::vector<iceberg::ColumnMetrics> metrics = {};

  bool operator==(const DataFile&) const = default;
};

/// What the catalog knows about one table.
struct TableEntry {
  std::string name;
  Zone zone = Zone::kLanding;
  std::string location;  ///< Folder relative to the lake root.
  Schema schema;
  std::vector<DataFile> files;  ///< In the order they were added.
  int64_t rows = 0;             ///< Sum of the files' rows.
  int64_t version = 0;          ///< 1 when created; +1 on each commit that changes the table.
  std::string updated_at;       ///< ISO-8601 UTC of the last change, e.g. 2026-01-31T12:00:00Z.
  /// The Iceberg snapshot read (nullopt: the table has none yet, or no Iceberg metadata).
  std::optional<int64_t> snapshot_id;
  /// Set when the table is listed but cannot be read (e.g. a foreign table of types we do not
  /// support): why. Schema and files are then empty.
  std::string unreadable;
};

/// Which snapshot of a table to read: the current one unless an id (FOR VERSION AS OF) or a
/// point in time (FOR TIMESTAMP AS OF, epoch milliseconds) is given.
struct SnapshotSelector {
  std::optional<int64_t> snapshot_id;
  std::optional<int64_t> as_of_ms;

  bool current() const { return !snapshot_id && !as_of_ms; }
};

/// One raw landing file that was ingested. (source, name) identifies it; SHA-256 tells
/// whether a file of the same name later has other content.
struct SourceFile {
  std::string source;  ///< customer | accelerometer | step_trainer
  std::string name;    ///< Path relative to the source's landing folder.
  std::string sha256;  ///< 64 lower-case hex digits.
  uint64_t bytes = 0;
  std::string landed_path;  ///< Relative to the lake root.
  int64_t records = 0;      ///< JSON objects converted to rows.
  int64_t quarantined = 0;  ///< Fragments sent to quarantine.
  int64_t unconvertible_fields = 0;
  std::string ingested_at;  ///< ISO-8601 UTC; set by Commit when left empty.

  bool operator==(const SourceFile&) const = default;
};

/// What a crawler saw of one field in one landing file.
struct FieldObservation {
  std::string source;
  std::string file;        ///< SourceFile::name.
  std::string field;       ///< As spelled in the file.
  std::string json_types;  ///< JSON kinds seen, joined by '|', e.g. "integer|null".
  int64_t present = 0;     ///< Records holding the field (null values included).
  int64_t nulls = 0;       ///< Records where its value was null.

  bool operator==(const FieldObservation&) const = default;
};

/// One table's part of a commit.
struct TableChange {
  enum class Mode {
    kAppend,   ///< Adds FILES to the table's files.
    kReplace,  ///< FILES become the table's only files.
  };

  std::string table;
  Zone zone = Zone::kLanding;  ///< Fixed when the table is created.
  std::string location;        ///< Fixed when the table is created.
  /// Becomes the table's schema. Appending must keep every existing column (same name and
  /// type; new columns may be added); replacing may change it freely.
  Schema schema;
  Mode mode = Mode::kAppend;
  std::vector<DataFile> files;
  /// Compare-and-swap: nullopt applies the change to whatever version is current (creating
  /// the table when missing); 0 requires that the table does not exist yet; N > 0 requires
  /// that the table's version is N. A mismatch fails the whole commit with Conflict.
  std::optional<int64_t> expected_version;
};

/// Everything one commit changes; Catalog::Commit applies all of it or none of it.
struct CommitRequest {
  std::vector<TableChange> tables;
  std::vector<SourceFile> source_files;
  /// Must refer to source files recorded before or in this same commit.
  std::vector<FieldObservation> observations;
};

}  // namespace stedi
