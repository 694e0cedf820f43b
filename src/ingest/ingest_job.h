#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "status/result.h"
#include "storage/file_system.h"

namespace stedi {

struct IngestOptions {
  std::string lake_dir;
  /// The lake's database name; used when the lake is created, checked against it otherwise.
  std::optional<std::string> database;
  /// Folder holding {customer,accelerometer,step_trainer}/landing/.
  std::string source_dir;
  /// Worker threads; 0 means one per core.
  size_t threads = 0;
  /// A new plain (not gzip) landing file larger than twice this is parsed on several cores: in
  /// ranges of about this many bytes, each starting at a line that begins with `{` (see
  /// docs/formats/landing-json.md), while one task copies and hashes it. 0 never splits.
  uint64_t range_bytes = 32 << 20;
};

/// What ingest did for one source, for the user and for tests.
struct SourceIngestReport {
  std::string source;
  std::string table;
  int64_t files_found = 0;
  int64_t files_ingested = 0;
  int64_t files_already_ingested = 0;  ///< Same name and checksum as before: skipped.
  int64_t records = 0;                 ///< Rows added to the landing table.
  int64_t fragments_quarantined = 0;
  int64_t records_with_unconvertible_fields = 0;  ///< Kept, with those fields null.
  int64_t unconvertible_fields = 0;
  int64_t records_with_repaired_utf8 = 0;
  /// Files ingested that were parsed in ranges on several cores (see IngestOptions::range_bytes).
  int64_t files_split = 0;
  /// Files that could not be ingested at all (e.g. changed content under an ingested name).
  std::vector<std::string> file_errors;
};

struct IngestReport {
  std::string database;
  std::vector<SourceIngestReport> sources;

  int64_t fragments_quarantined() const;
  int64_t file_errors() const;
};

/// Copies new raw landing files of SOURCE_DIR into the lake byte for byte, converts their
/// records into the landing tables (Parquet), sends unparseable fragments to `quarantine`,
/// records what a crawler would find, and commits all of it in one catalog transaction:
/// a reader sees all of this ingest or none of it. Files ingested before (same name and
/// SHA-256) are skipped, so ingesting twice changes nothing. Returns an error only when nothing
/// was committed.
Result<IngestReport> RunIngest(FileSystem& fs, const IngestOptions& options);

}  // namespace stedi
