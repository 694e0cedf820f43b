#pragma once

#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "catalog/catalog_entries.h"
#include "catalog/crawler_findings.h"
#include "formats/iceberg/table_metadata.h"
#include "status/result.h"

namespace stedi {

class FileSystem;
class SqliteConnection;

/// The lake's catalog: the SQLite file DIR/catalog.db. It records the lake's database name,
/// every table (zone, location, schema, data files, row count, version), the raw landing files
/// already ingested (name + SHA-256) and what a crawler found in them. The same file is also
/// Iceberg's JDBC catalog (tables iceberg_tables and iceberg_namespace_properties, catalog
/// name "stedi", one namespace named after the database). See docs/catalog.md.
///
/// Thread-safety: every method locks an internal mutex, so one Catalog may be shared by
/// threads (calls run one at a time). Several Catalogs, in one process or many, may open the
/// same lake: readers see committed states only, and writers are serialised by SQLite's
/// write lock (waiting up to 10 s for it) plus the compare-and-swap in TableChange.
class Catalog {
 public:
  /// The database name of a lake created without one.
  static constexpr std::string_view kDefaultDatabase = "stedi";

  /// Opens LAKE_DIR/catalog.db, creating the folder, the file and its tables when missing,
  /// and migrating an older catalog schema. A new lake takes the name DATABASE (default
  /// "stedi"; lower-case letters, digits and '_', as Athena allows); for an existing lake a
  /// given DATABASE must match the stored name (case-insensitively), else Invalid names both.
  static Result<std::unique_ptr<Catalog>> Open(const std::string& lake_dir,
                                               const std::optional<std::string>& database);
  /// Opens the catalog of an existing lake. NotFound ("not a lake") when LAKE_DIR has no
  /// catalog.db: reading commands must never create a lake because of a typo in --lake.
  static Result<std::unique_ptr<Catalog>> OpenExisting(const std::string& lake_dir);
  ~Catalog();
  Catalog(const Catalog&) = delete;
  Catalog& operator=(const Catalog&) = delete;

  /// Returns the lake's database name (also its Iceberg namespace).
  const std::string& database() const { return database_; }
  const std::string& lake_dir() const { return lake_dir_; }

  /// Returns every table, sorted by zone (landing, trusted, curated) then name, then the
  /// tables other engines created in the namespace (zone external; a table we cannot read is
  /// listed with `unreadable` saying why). Cheap: `files` may be empty (rows come from the
  /// snapshot summary); GetTable lists a table's files.
  Result<std::vector<TableEntry>> ListTables();
  /// Returns table NAME (case-insensitive) as of snapshot AT (default: the current one): its
  /// files and rows come from the Iceberg metadata, so commits of other engines count.
  /// NotFound names the table and the database, or the snapshot that does not exist.
  Result<TableEntry> GetTable(std::string_view name, const SnapshotSelector& at = {});
  /// Returns the version of our table NAME from the catalog's records alone (GetTable also
  /// reads its Iceberg metadata and manifests).
  Result<int64_t> TableVersion(std::string_view name);

  /// Returns the ingested landing file NAME of SOURCE, or nullopt when it was never ingested.
  Result<std::optional<SourceFile>> FindSourceFile(std::string_view source, std::string_view name);
  /// Returns every ingested landing file of SOURCE, in ingest order.
  Result<std::vector<SourceFile>> ListSourceFiles(std::string_view source);

  /// Publishes REQUEST. Each changed table gets a new Iceberg snapshot: its manifest, manifest
  /// list and metadata file are written first (under fresh names), then one durability barrier
  /// makes them and the request's data files durable, then one SQLite transaction swaps every
  /// table's metadata location (compare-and-swap against the one read before) and records
  /// source files and observations — all of it or, on any error, none. Errors: Conflict when a
  /// table's version is not the expected one, another writer (ours, PyIceberg's, Spark's)
  /// moved a table's metadata meanwhile, or a source file is already recorded; Invalid for a
  /// malformed request (duplicate data file, zone or location change, an append that drops or
  /// retypes a column, observations of unknown files). An append of no files that keeps the
  /// schema changes nothing (no version bump, no snapshot), so re-ingesting is a no-op.
  /// A request of appends only (no expected versions) that lost the race for a metadata
  /// pointer is redone on top of the winner's snapshot, a few times, before giving up.
  Status Commit(const CommitRequest& request);

  /// Makes snapshot SNAPSHOT_ID of table NAME current again (a new metadata file whose
  /// snapshot log records the move; no data is rewritten). NotFound names the snapshots the
  /// table has; Conflict if another writer committed meanwhile.
  Status Rollback(std::string_view name, int64_t snapshot_id);

  struct ExpireReport {
    int64_t tables_changed = 0;
    int64_t snapshots_expired = 0;
    int64_t files_deleted = 0;
    int64_t orphans_deleted = 0;        ///< files no metadata reached (left by crashed writers)
    std::vector<std::string> warnings;  ///< files that could not be deleted
  };
  /// Drops, in every table of ours, the snapshots committed before CUTOFF_MS (epoch ms) except
  /// the current one, and the metadata files logged before it; then deletes the files (data,
  /// manifests, manifest lists, metadata) that no remaining snapshot reaches. One commit for
  /// all tables; files are deleted only after it. Then removes orphans from our tables' folders:
  /// files no metadata reaches that a crashed writer left — temporary files of processes that
  /// no longer run, and other unreferenced files older than both the cutoff and an hour (a
  /// younger one may belong to a commit still in progress).
  Result<ExpireReport> ExpireSnapshots(int64_t cutoff_ms);

  /// The Iceberg metadata of table NAME as of now (its current metadata file). NotFound when
  /// the table has no Iceberg metadata.
  Result<iceberg::TableMetadata> IcebergMetadata(std::string_view name);
  /// The URI of table NAME's current Iceberg metadata file; NotFound when it has none.
  Result<std::string> IcebergMetadataLocation(std::string_view name);
  /// The lake folder as an absolute path (Iceberg locations are absolute URIs).
  const std::string& lake_root() const { return lake_root_; }

  /// Returns what the crawler saw per file of SOURCE, in the order it was recorded.
  Result<std::vector<FieldObservation>> Observations(std::string_view source);
  /// Returns the crawler's view of SOURCE's fields over all its files (see crawler_findings.h).
  Result<std::vector<FieldSummary>> SummarizeFields(std::string_view source);
  /// Returns the schema drift between SOURCE's files (see crawler_findings.h).
  Result<std::vector<DriftNote>> Drift(std::string_view source);

 private:
  Catalog(std::string lake_dir, std::string lake_root, std::unique_ptr<FileSystem> fs,
          std::unique_ptr<SqliteConnection> db, std::string database);
  // Metadata files and manifest lists never change once written (every commit writes new
  // ones under fresh names), so what was read of them is kept for the process's life, shared
  // by every Catalog of the process (a run and its validation report open two).
  Result<std::shared_ptr<const iceberg::TableMetadata>> LoadMetadata(const std::string& location);
  Result<std::shared_ptr<const std::vector<iceberg::DataFileInfo>>> LoadSnapshotFiles(
      const iceberg::Snapshot& snapshot);
  struct TableRecord;
  // One attempt of Commit; sets *MOVED when it failed only because a table's metadata pointer
  // moved after it was read.
  Status CommitOnceLocked(const CommitRequest& request, bool* moved);
  Result<std::optional<TableRecord>> FindTableRecordLocked(std::string_view name);
  Status RemoveOrphans(const std::vector<TableRecord>& records, int64_t cutoff_ms, int64_t now_ms,
                       ExpireReport* report);
  // WITH_FILES false may leave `files` empty (rows then come from the snapshot summary).
  Result<TableEntry> LoadTable(const TableRecord& record, const SnapshotSelector& at,
                               bool with_files);

  Result<std::vector<SourceFile>> ListSourceFilesLocked(std::string_view source);
  Result<std::vector<FieldObservation>> ObservationsLocked(std::string_view source);
  Result<std::vector<DataFile>> ListDataFilesLocked(std::string_view table);

  std::mutex mutex_;
  std::string lake_dir_;
  std::string lake_root_;
  std::unique_ptr<FileSystem> fs_;
  std::unique_ptr<SqliteConnection> db_;
  std::string database_;
};

}  // namespace stedi
