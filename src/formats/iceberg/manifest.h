#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "columnar/schema.h"
#include "status/result.h"
#include "storage/file_system.h"

namespace stedi::iceberg {

/// Per-column facts of one data file, keyed by field id, as manifests store them. Bounds use
/// Iceberg's single-value serialization (little-endian numbers, UTF-8 strings).
struct ColumnMetrics {
  int field_id = 0;
  int64_t column_size = 0;
  int64_t value_count = 0;
  int64_t null_count = 0;
  std::optional<std::string> lower, upper;

  bool operator==(const ColumnMetrics&) const = default;
};

/// A data file as a manifest describes it (content 0 = data; we write no delete files).
struct DataFileInfo {
  std::string file_path;  ///< URI, e.g. file:///lake/…/data/x.parquet
  std::string file_format = "PARQUET";
  int64_t record_count = 0;
  int64_t file_size_in_bytes = 0;
  int content = 0;  ///< 0 data, 1 position deletes, 2 equality deletes
  std::vector<ColumnMetrics> metrics;
};

enum class EntryStatus : int { kExisting = 0, kAdded = 1, kDeleted = 2 };

/// One row of a manifest.
struct ManifestEntry {
  EntryStatus status = EntryStatus::kAdded;
  std::optional<int64_t> snapshot_id;
  std::optional<int64_t> sequence_number;
  std::optional<int64_t> file_sequence_number;
  DataFileInfo file;
};

/// One row of a manifest list: a manifest and its counts.
struct ManifestFile {
  std::string manifest_path;
  int64_t manifest_length = 0;
  int partition_spec_id = 0;
  int content = 0;  ///< 0 data, 1 deletes
  int64_t sequence_number = 0;
  int64_t min_sequence_number = 0;
  int64_t added_snapshot_id = 0;
  int64_t added_files_count = 0;
  int64_t existing_files_count = 0;
  int64_t deleted_files_count = 0;
  int64_t added_rows_count = 0;
  int64_t existing_rows_count = 0;
  int64_t deleted_rows_count = 0;
};

/// What a manifest needs to know of its table and snapshot.
struct ManifestContext {
  Schema schema;  ///< The table schema the files were written with.
  int schema_id = 0;
  int64_t snapshot_id = 0;
  int64_t sequence_number = 0;
};

/// Writes ENTRIES as a format v2 data manifest at PATH (a local path); URI is what the
/// manifest list will call it. Entries keep the snapshot id and sequence numbers they carry.
Result<ManifestFile> WriteManifest(FileSystem& fs, const std::string& path, const std::string& uri,
                                   const ManifestContext& context,
                                   const std::vector<ManifestEntry>& entries);

/// Writes the manifest list of snapshot SNAPSHOT_ID at PATH.
Status WriteManifestList(FileSystem& fs, const std::string& path, int64_t snapshot_id,
                         std::optional<int64_t> parent_snapshot_id, int64_t sequence_number,
                         const std::vector<ManifestFile>& manifests);

/// Reads a manifest list written by any Iceberg writer (v1 and v2 field names).
Result<std::vector<ManifestFile>> ReadManifestList(FileSystem& fs, const std::string& path);

/// Reads the entries of a manifest. Entries whose snapshot id or sequence numbers are null
/// inherit them from MANIFEST, as the spec prescribes.
Result<std::vector<ManifestEntry>> ReadManifest(FileSystem& fs, const std::string& path,
                                                const ManifestFile& manifest);

}  // namespace stedi::iceberg
