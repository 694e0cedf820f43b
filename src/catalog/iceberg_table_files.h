#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "catalog/catalog_entries.h"
#include "formats/iceberg/table_metadata.h"
#include "status/result.h"
#include "storage/file_system.h"

namespace stedi {

/// The Iceberg files of one table's new snapshot, written but not yet published: the catalog
/// publishes them by swapping the table's metadata location (compare-and-swap on the old one).
struct PreparedSnapshot {
  std::string table;
  std::optional<std::string> previous_location;  ///< nullopt: the table is new to Iceberg
  std::string metadata_location;                 ///< URI of the new metadata file
  int64_t snapshot_id = 0;
  std::vector<std::string> written;  ///< local paths, deleted again if the commit fails
  /// What was written, for readers in this process once the commit succeeds: the new metadata
  /// and, when known without reading manifests back, the new snapshot's data files.
  std::shared_ptr<const iceberg::TableMetadata> metadata;
  std::shared_ptr<const std::vector<iceberg::DataFileInfo>> files;
};

/// Where a change starts from: the table's current Iceberg metadata, if any, and for a table
/// that predates our Iceberg support, the data files the catalog recorded for it.
struct SnapshotBase {
  std::optional<std::string> metadata_location;
  /// The metadata at that location, when the caller has it already (else it is read).
  std::shared_ptr<const iceberg::TableMetadata> metadata;
  std::vector<DataFile> legacy_files;
};

/// Writes the manifest, manifest list and metadata file of CHANGE's next snapshot (format v2,
/// unpartitioned) below the table's folder in the lake at LAKE_ROOT (absolute). An append keeps
/// the current snapshot's manifests and adds one; a replace starts over. Returns nullopt when
/// the change changes nothing (an append of no files that keeps the schema). NOW_MS stamps
/// the snapshot.
Result<std::optional<PreparedSnapshot>> WriteIcebergSnapshot(FileSystem& fs,
                                                             const std::string& lake_root,
                                                             const TableChange& change,
                                                             const SnapshotBase& base,
                                                             int64_t now_ms);

/// The snapshot SELECTOR picks in METADATA: the current one (nullptr for a table without
/// snapshots), the one with the given id, or the one that was current at the given time.
/// NotFound names TABLE and what was asked.
Result<const iceberg::Snapshot*> SelectSnapshot(const iceberg::TableMetadata& metadata,
                                                const SnapshotSelector& selector,
                                                std::string_view table);

/// A metadata file written for a commit.
struct WrittenMetadata {
  std::string location;  ///< URI, what iceberg_tables will point at
  std::string path;      ///< local path
};

/// Writes METADATA as the table's next metadata file, numbered after PREVIOUS_LOCATION
/// ("00004-<uuid>.metadata.json"). FILE_UUID names it (a fresh one when empty).
Result<WrittenMetadata> WriteMetadataFile(FileSystem& fs, const iceberg::TableMetadata& metadata,
                                          const std::optional<std::string>& previous_location,
                                          const std::string& file_uuid = "");

/// METADATA (read from CURRENT_LOCATION) with snapshot SNAPSHOT_ID made current again at
/// NOW_MS. NotFound names TABLE and the snapshots it has.
Result<iceberg::TableMetadata> RollbackMetadata(iceberg::TableMetadata metadata,
                                                int64_t snapshot_id,
                                                const std::string& current_location, int64_t now_ms,
                                                std::string_view table);

/// What expiring a table's old snapshots does: the metadata without them, and the files
/// (local paths) only they reached, to delete once the new metadata is committed.
struct ExpiryPlan {
  iceberg::TableMetadata metadata;
  std::vector<int64_t> expired;
  std::vector<std::string> deletable;
};

/// Plans dropping every snapshot older than CUTOFF_MS except the current one, and the
/// metadata files logged before it. nullopt when there is nothing to drop.
Result<std::optional<ExpiryPlan>> PlanExpiry(FileSystem& fs, const iceberg::TableMetadata& metadata,
                                             const std::string& current_location, int64_t cutoff_ms,
                                             int64_t now_ms);

/// Every file (local path) METADATA, read from LOCATION, reaches: LOCATION itself, the logged
/// metadata files, and each snapshot's manifest list, manifests and data files.
Result<std::set<std::string>> ReachableFiles(FileSystem& fs, const iceberg::TableMetadata& metadata,
                                             const std::string& location);

/// Whether NAME is a temporary file of a writer process that no longer runs (the local file
/// system writes "<name>.tmp-<pid>-<n>" and renames it when done): nobody can finish it.
bool IsAbandonedTempFile(std::string_view name);

/// Reads the metadata file at LOCATION (a URI).
Result<iceberg::TableMetadata> ReadTableMetadata(FileSystem& fs, const std::string& location);

/// The data files of SNAPSHOT: every live entry of its manifests.
Result<std::vector<iceberg::DataFileInfo>> SnapshotDataFiles(FileSystem& fs,
                                                             const iceberg::Snapshot& snapshot);

}  // namespace stedi
