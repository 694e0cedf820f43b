#include "catalog/catalog.h"

#include <fcntl.h>
#include <unistd.h>

#include <cctype>
#include <cerrno>
#include <chrono>
#include <climits>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <ctime>
#include <map>
#include <set>
#include <thread>

#include "catalog/catalog_migrations.h"
#include "catalog/iceberg_table_files.h"
#include "catalog/schema_json.h"
#include "catalog/sqlite_connection.h"
#include "concurrency/thread_pool.h"
#include "storage/file_system.h"
#include "storage/file_uri.h"
#include "storage/lake_layout.h"
#include "storage/unique_names.h"

namespace stedi {
namespace {

// Long enough to wait out another process's commit (they are small), short enough that a
// stuck writer is reported instead of hanging the CLI.
constexpr int kBusyTimeoutMs = 10000;

std::string NowUtc() {
  std::time_t t = std::chrono::system_clock::to_time_t(std::chrono::system_clock::now());
  std::tm tm{};
  gmtime_r(&t, &tm);
  char out[32];
  std::strftime(out, sizeof(out), "%Y-%m-%dT%H:%M:%SZ", &tm);
  return out;
}

std::string IsoUtcFromMillis(int64_t ms) {
  std::time_t t = static_cast<std::time_t>(ms / 1000);
  std::tm tm{};
  gmtime_r(&t, &tm);
  char out[32];
  std::strftime(out, sizeof(out), "%Y-%m-%dT%H:%M:%SZ", &tm);
  return out;
}

Status ValidateDatabaseName(std::string_view name) {
  bool ok = !name.empty() && name.size() <= 255;
  for (char c : name) {
    if (!(std::islower(static_cast<unsigned char>(c)) ||
          std::isdigit(static_cast<unsigned char>(c)) || c == '_')) {
      ok = false;
    }
  }
  if (!ok) {
    return Status::Invalid("database name '" + std::string(name) +
                           "' is not valid: use 1 to 255 lower-case letters, digits and '_'");
  }
  return Status::OK();
}

bool IsLowerHex64(std::string_view s) {
  if (s.size() != 64) return false;
  for (char c : s) {
    if (!std::isdigit(static_cast<unsigned char>(c)) && !(c >= 'a' && c <= 'f')) return false;
  }
  return true;
}

std::string Lower(std::string_view s) {
  std::string out(s);
  for (char& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

// Checks what needs no database: names present, no duplicates within the request, paths
// relative, counts non-negative. Catching these first keeps the SQLite errors for races.
Status ValidateRequest(const CommitRequest& request) {
  std::set<std::string> tables, paths;
  for (const TableChange& change : request.tables) {
    if (change.table.empty()) return Status::Invalid("commit: a table change has no table name");
    if (!tables.insert(Lower(change.table)).second) {
      return Status::Invalid("commit: table " + change.table + " is changed twice");
    }
    if (change.expected_version && *change.expected_version < 0) {
      return Status::Invalid("commit: table " + change.table + ": expected version " +
                             std::to_string(*change.expected_version) + " is negative");
    }
    for (const DataFile& f : change.files) {
      if (f.path.empty() || f.path.front() == '/') {
        return Status::Invalid("commit: table " + change.table + ": data file path '" + f.path +
                               "' must be relative to the lake root");
      }
      if (f.rows < 0) {
        return Status::Invalid("commit: data file " + f.path + " has a negative row count");
      }
      if (!paths.insert(f.path).second) {
        return Status::Invalid("commit: data file " + f.path + " is listed twice");
      }
    }
  }
  std::set<std::pair<std::string, std::string>> sources;
  for (const SourceFile& f : request.source_files) {
    if (f.source.empty() || f.name.empty()) {
      return Status::Invalid("commit: a source file has no source or no name");
    }
    if (!IsLowerHex64(f.sha256)) {
      return Status::Invalid("commit: source file " + f.source + "/" + f.name + ": SHA-256 '" +
                             f.sha256 + "' is not 64 lower-case hex digits");
    }
    if (!sources.insert({f.source, f.name}).second) {
      return Status::Invalid("commit: source file " + f.source + "/" + f.name + " is listed twice");
    }
  }
  std::set<std::tuple<std::string, std::string, std::string>> fields;
  for (const FieldObservation& o : request.observations) {
    if (o.field.empty()) {
      return Status::Invalid("commit: an observation of " + o.source + "/" + o.file +
                             " has no field name");
    }
    if (o.present < 0 || o.nulls < 0 || o.nulls > o.present) {
      return Status::Invalid("commit: observation of field " + o.field + " in " + o.source + "/" +
                             o.file + " has inconsistent counts (present " +
                             std::to_string(o.present) + ", nulls " + std::to_string(o.nulls) +
                             ")");
    }
    if (!fields.insert({o.source, o.file, o.field}).second) {
      return Status::Invalid("commit: field " + o.field + " of " + o.source + "/" + o.file +
                             " is observed twice");
    }
  }
  return Status::OK();
}

// Appending keeps old files readable only if every column they have survives with its type.
Status CheckAppendSchema(const std::string& table, const Schema& old_schema,
                         const Schema& new_schema) {
  for (const Field& old_field : old_schema.fields()) {
    std::optional<size_t> i = new_schema.FindField(old_field.name);
    if (!i) {
      return Status::Invalid("append to table " + table + " drops column " + old_field.name +
                             "; use replace to change the schema");
    }
    const Field& new_field = new_schema.field(*i);
    if (new_field.type != old_field.type) {
      return Status::Invalid("append to table " + table + " changes column " + old_field.name +
                             " from " + std::string(TypeName(old_field.type)) + " to " +
                             std::string(TypeName(new_field.type)) +
                             "; use replace to change the schema");
    }
  }
  return Status::OK();
}

struct StoredTable {
  std::string name;
  Zone zone;
  std::string location;
  std::string schema_json;
  int64_t rows;
  int64_t version;
  std::string updated_at;
};

constexpr std::string_view kSelectTable =
    "SELECT name, zone, location, schema_json, row_count, version, updated_at FROM stedi_tables";

Result<StoredTable> ReadStoredTable(const SqliteStatement& stmt) {
  STEDI_ASSIGN_OR_RETURN(Zone zone, ParseZone(stmt.ColumnText(1)));
  return StoredTable{stmt.ColumnText(0),  zone,
                     stmt.ColumnText(2),  stmt.ColumnText(3),
                     stmt.ColumnInt64(4), stmt.ColumnInt64(5),
                     stmt.ColumnText(6)};
}

Result<std::optional<StoredTable>> FindStoredTable(SqliteConnection& db, std::string_view name) {
  STEDI_ASSIGN_OR_RETURN(auto stmt, db.Prepare(std::string(kSelectTable) + " WHERE name = ?"));
  stmt.Bind(1, name);
  STEDI_ASSIGN_OR_RETURN(bool row, stmt.Step());
  if (!row) return std::optional<StoredTable>();
  STEDI_ASSIGN_OR_RETURN(StoredTable t, ReadStoredTable(stmt));
  return std::optional<StoredTable>(std::move(t));
}

constexpr std::string_view kSelectSourceFile =
    "SELECT source, name, sha256, bytes, landed_path, records, quarantined, "
    "unconvertible_fields, ingested_at FROM stedi_source_files";

SourceFile ReadSourceFile(const SqliteStatement& stmt) {
  return SourceFile{stmt.ColumnText(0),  stmt.ColumnText(1),
                    stmt.ColumnText(2),  static_cast<uint64_t>(stmt.ColumnInt64(3)),
                    stmt.ColumnText(4),  stmt.ColumnInt64(5),
                    stmt.ColumnInt64(6), stmt.ColumnInt64(7),
                    stmt.ColumnText(8)};
}

Result<std::optional<SourceFile>> FindSourceFileIn(SqliteConnection& db, std::string_view source,
                                                   std::string_view name) {
  STEDI_ASSIGN_OR_RETURN(
      auto stmt, db.Prepare(std::string(kSelectSourceFile) + " WHERE source = ? AND name = ?"));
  stmt.Bind(1, source).Bind(2, name);
  STEDI_ASSIGN_OR_RETURN(bool row, stmt.Step());
  if (!row) return std::optional<SourceFile>();
  return std::optional<SourceFile>(ReadSourceFile(stmt));
}

Status InsertDataFiles(SqliteConnection& db, const std::string& table,
                       const std::vector<DataFile>& files, int64_t version) {
  for (const DataFile& f : files) {
    STEDI_ASSIGN_OR_RETURN(auto owner,
                           db.Prepare("SELECT table_name FROM stedi_data_files WHERE path = ?"));
    owner.Bind(1, f.path);
    STEDI_ASSIGN_OR_RETURN(bool taken, owner.Step());
    if (taken) {
      return Status::Invalid("commit: data file " + f.path + " already belongs to table " +
                             owner.ColumnText(0));
    }
    STEDI_ASSIGN_OR_RETURN(
        auto insert, db.Prepare("INSERT INTO stedi_data_files (table_name, path, row_count, bytes, "
                                "added_in_version) VALUES (?, ?, ?, ?, ?)"));
    STEDI_RETURN_NOT_OK(insert.Bind(1, table)
                            .Bind(2, f.path)
                            .Bind(3, f.rows)
                            .Bind(4, static_cast<int64_t>(f.bytes))
                            .Bind(5, version)
                            .Run());
  }
  return Status::OK();
}

int64_t SumRows(const std::vector<DataFile>& files) {
  int64_t rows = 0;
  for (const DataFile& f : files) rows += f.rows;
  return rows;
}

Status ApplyTableChange(SqliteConnection& db, const TableChange& change, const std::string& now) {
  STEDI_ASSIGN_OR_RETURN(std::optional<StoredTable> existing, FindStoredTable(db, change.table));
  if (change.expected_version) {
    int64_t expected = *change.expected_version;
    if (expected == 0 && existing) {
      return Status::Conflict("commit: table " + existing->name + " already exists (version " +
                              std::to_string(existing->version) +
                              "), but the commit expected to create it");
    }
    if (expected > 0 && (!existing || existing->version != expected)) {
      return Status::Conflict(
          "commit: table " + change.table + " is " +
          (existing ? "at version " + std::to_string(existing->version) : "missing") +
          ", but the commit expected version " + std::to_string(expected) +
          " (another writer committed first)");
    }
  }
  std::string schema_json = SchemaToJson(change.schema);
  if (!existing) {
    STEDI_ASSIGN_OR_RETURN(
        auto insert, db.Prepare("INSERT INTO stedi_tables (name, zone, location, schema_json, "
                                "row_count, version, updated_at) VALUES (?, ?, ?, ?, ?, 1, ?)"));
    STEDI_RETURN_NOT_OK(insert.Bind(1, change.table)
                            .Bind(2, ZoneName(change.zone))
                            .Bind(3, change.location)
                            .Bind(4, schema_json)
                            .Bind(5, SumRows(change.files))
                            .Bind(6, now)
                            .Run());
    return InsertDataFiles(db, change.table, change.files, 1);
  }
  if (existing->zone != change.zone) {
    return Status::Invalid("commit: table " + existing->name + " is in zone " +
                           std::string(ZoneName(existing->zone)) + ", not " +
                           std::string(ZoneName(change.zone)));
  }
  if (existing->location != change.location) {
    return Status::Invalid("commit: table " + existing->name + " lives at " + existing->location +
                           ", not " + change.location);
  }
  int64_t rows = SumRows(change.files);
  if (change.mode == TableChange::Mode::kAppend) {
    STEDI_ASSIGN_OR_RETURN(Schema old_schema, SchemaFromJson(existing->schema_json));
    STEDI_RETURN_NOT_OK(CheckAppendSchema(existing->name, old_schema, change.schema));
    if (change.files.empty() && schema_json == existing->schema_json) return Status::OK();
    rows += existing->rows;
  } else {
    STEDI_ASSIGN_OR_RETURN(auto drop,
                           db.Prepare("DELETE FROM stedi_data_files WHERE table_name = ?"));
    STEDI_RETURN_NOT_OK(drop.Bind(1, existing->name).Run());
  }
  int64_t version = existing->version + 1;
  STEDI_ASSIGN_OR_RETURN(auto update,
                         db.Prepare("UPDATE stedi_tables SET schema_json = ?, row_count = ?, "
                                    "version = ?, updated_at = ? WHERE name = ?"));
  STEDI_RETURN_NOT_OK(update.Bind(1, schema_json)
                          .Bind(2, rows)
                          .Bind(3, version)
                          .Bind(4, now)
                          .Bind(5, existing->name)
                          .Run());
  return InsertDataFiles(db, existing->name, change.files, version);
}

// Iceberg's commit: move the table's metadata pointer from the location this commit started
// from to the new one, failing if anyone else moved it first.
Status SwapMetadataLocation(SqliteConnection& db, const std::string& database,
                            const PreparedSnapshot& p, bool* moved = nullptr) {
  if (!p.previous_location) {
    STEDI_ASSIGN_OR_RETURN(
        auto insert,
        db.Prepare("INSERT OR IGNORE INTO iceberg_tables (catalog_name, table_namespace, "
                   "table_name, metadata_location, previous_metadata_location, iceberg_type) "
                   "VALUES (?, ?, ?, ?, NULL, 'TABLE')"));
    STEDI_RETURN_NOT_OK(insert.Bind(1, kIcebergCatalogName)
                            .Bind(2, database)
                            .Bind(3, p.table)
                            .Bind(4, p.metadata_location)
                            .Run());
  } else {
    STEDI_ASSIGN_OR_RETURN(
        auto update,
        db.Prepare("UPDATE iceberg_tables SET metadata_location = ?, "
                   "previous_metadata_location = ? WHERE catalog_name = ? AND "
                   "table_namespace = ? AND table_name = ? AND metadata_location = ?"));
    STEDI_RETURN_NOT_OK(update.Bind(1, p.metadata_location)
                            .Bind(2, *p.previous_location)
                            .Bind(3, kIcebergCatalogName)
                            .Bind(4, database)
                            .Bind(5, p.table)
                            .Bind(6, *p.previous_location)
                            .Run());
  }
  if (db.Changes() != 1) {
    if (moved) *moved = true;
    return Status::Conflict("commit: table " + p.table +
                            ": its Iceberg metadata changed while this commit was being "
                            "prepared (another writer committed first)");
  }
  return Status::OK();
}

// The first column of every row STMT returns, as text (e.g. table names).
Result<std::vector<std::string>> FirstColumnText(SqliteStatement& stmt) {
  std::vector<std::string> out;
  while (true) {
    STEDI_ASSIGN_OR_RETURN(bool row, stmt.Step());
    if (!row) break;
    out.push_back(stmt.ColumnText(0));
  }
  return out;
}

Status InsertSourceFile(SqliteConnection& db, const SourceFile& f, const std::string& now) {
  STEDI_ASSIGN_OR_RETURN(std::optional<SourceFile> known, FindSourceFileIn(db, f.source, f.name));
  if (known) {
    return Status::Conflict("commit: landing file " + f.source + "/" + f.name +
                            " was already ingested at " + known->ingested_at + " (SHA-256 " +
                            known->sha256.substr(0, 12) + "…" +
                            (known->sha256 == f.sha256 ? ", same content" : ", other content") +
                            "); another ingest committed first");
  }
  STEDI_ASSIGN_OR_RETURN(
      auto insert,
      db.Prepare("INSERT INTO stedi_source_files (source, name, sha256, bytes, landed_path, "
                 "records, quarantined, unconvertible_fields, ingested_at) "
                 "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)"));
  return insert.Bind(1, f.source)
      .Bind(2, f.name)
      .Bind(3, f.sha256)
      .Bind(4, static_cast<int64_t>(f.bytes))
      .Bind(5, f.landed_path)
      .Bind(6, f.records)
      .Bind(7, f.quarantined)
      .Bind(8, f.unconvertible_fields)
      .Bind(9, f.ingested_at.empty() ? now : f.ingested_at)
      .Run();
}

Status InsertObservations(SqliteConnection& db, const std::vector<FieldObservation>& observations) {
  std::set<std::pair<std::string, std::string>> checked;
  for (const FieldObservation& o : observations) {
    if (checked.insert({o.source, o.file}).second) {
      STEDI_ASSIGN_OR_RETURN(auto known, FindSourceFileIn(db, o.source, o.file));
      if (!known) {
        return Status::Invalid("commit: field observations of " + o.source + "/" + o.file +
                               ", a landing file the catalog does not record");
      }
    }
    STEDI_ASSIGN_OR_RETURN(
        auto insert,
        db.Prepare("INSERT INTO stedi_field_observations (source, file, field, json_types, "
                   "present, nulls) VALUES (?, ?, ?, ?, ?, ?)"));
    STEDI_RETURN_NOT_OK(insert.Bind(1, o.source)
                            .Bind(2, o.file)
                            .Bind(3, o.field)
                            .Bind(4, o.json_types)
                            .Bind(5, o.present)
                            .Bind(6, o.nulls)
                            .Run());
  }
  return Status::OK();
}

Result<std::optional<std::string>> ReadDatabaseName(SqliteConnection& db) {
  STEDI_ASSIGN_OR_RETURN(auto stmt, db.Prepare("SELECT database_name FROM stedi_lake"));
  STEDI_ASSIGN_OR_RETURN(bool row, stmt.Step());
  if (!row) return std::optional<std::string>();
  return std::optional<std::string>(stmt.ColumnText(0));
}

// Creates or upgrades the catalog; returns the lake's database name.
Result<std::string> PrepareCatalog(SqliteConnection& db, const std::optional<std::string>& wanted) {
  STEDI_ASSIGN_OR_RETURN(int version, ReadCatalogSchemaVersion(db));
  std::unique_ptr<SqliteTransaction> tx;
  if (version != kCatalogSchemaVersion) {
    // Re-read under the write lock: another process may have created the catalog meanwhile.
    STEDI_ASSIGN_OR_RETURN(tx, SqliteTransaction::Begin(db, SqliteTransaction::Kind::kWrite));
    STEDI_ASSIGN_OR_RETURN(version, ReadCatalogSchemaVersion(db));
  }
  std::string now = NowUtc();
  if (version == 0) {
    std::string name = wanted.value_or(std::string(Catalog::kDefaultDatabase));
    STEDI_RETURN_NOT_OK(ValidateDatabaseName(name));
    STEDI_RETURN_NOT_OK(MigrateCatalogSchema(db, 0, now));
    STEDI_ASSIGN_OR_RETURN(
        auto lake,
        db.Prepare(
            "INSERT INTO stedi_lake (singleton, database_name, created_at) VALUES (1, ?, ?)"));
    STEDI_RETURN_NOT_OK(lake.Bind(1, name).Bind(2, now).Run());
    // The database is the lake's one Iceberg namespace; "exists" is how JdbcCatalog and
    // PyIceberg mark a namespace that has no other property.
    STEDI_ASSIGN_OR_RETURN(
        auto ns, db.Prepare("INSERT OR IGNORE INTO iceberg_namespace_properties (catalog_name, "
                            "namespace, property_key, property_value) VALUES (?, ?, 'exists', "
                            "'true')"));
    STEDI_RETURN_NOT_OK(ns.Bind(1, kIcebergCatalogName).Bind(2, name).Run());
  } else if (version != kCatalogSchemaVersion) {
    STEDI_RETURN_NOT_OK(MigrateCatalogSchema(db, version, now));
  }
  STEDI_ASSIGN_OR_RETURN(std::optional<std::string> stored, ReadDatabaseName(db));
  if (tx) STEDI_RETURN_NOT_OK(tx->Commit());
  if (!stored) return Status::Corruption(db.path() + ": catalog has no database name");
  if (wanted && !NamesEqual(*wanted, *stored)) {
    return Status::Invalid("lake " + std::string(DirName(db.path())) + " holds database '" +
                           *stored + "', not '" + *wanted + "'; omit --database or pass '" +
                           *stored + "'");
  }
  return *stored;
}

// Syncs the file or folder at PATH to stable storage.
Status SyncPath(const std::string& path) {
  const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) return Status::IOError(path + ": cannot open to sync: " + std::strerror(errno));
  const int rc = ::fsync(fd);
  const int error = errno;
  ::close(fd);
  if (rc != 0) return Status::IOError(path + ": cannot sync: " + std::strerror(error));
  return Status::OK();
}

// Creates the catalog at PATH whole or not at all: built in a scratch file beside it without a
// journal or a sync, synced once, then renamed into place unless another process created one
// first (then that one is kept). A journaled creation in place cost seven syncs.
Status CreateCatalogFile(const std::string& path, const std::optional<std::string>& wanted) {
  const std::string scratch = path + ".new-" + std::to_string(RandomBits());
  auto discard = [&scratch](Status st) {
    ::unlink(scratch.c_str());
    return st;
  };
  {
    auto db = SqliteConnection::OpenScratch(scratch);
    if (!db.ok()) return discard(db.status());
    Result<std::string> name = PrepareCatalog(**db, wanted);
    if (!name.ok()) return discard(name.status());
    Status st = (*db)->FinishScratch();
    if (!st.ok()) return discard(st);
  }  // closed: the scratch file holds everything, its WAL checkpointed and removed
  Status synced = SyncPath(scratch);
  if (!synced.ok()) return discard(synced);
  if (::renameat2(AT_FDCWD, scratch.c_str(), AT_FDCWD, path.c_str(), RENAME_NOREPLACE) != 0) {
    const int error = errno;
    if (error == EEXIST) return discard(Status::OK());  // another process created it meanwhile
    return discard(
        Status::IOError(path + ": cannot publish the new catalog: " + std::strerror(error)));
  }
  return SyncPath(std::string(DirName(path)));
}

}  // namespace

Catalog::Catalog(std::string lake_dir, std::string lake_root, std::unique_ptr<FileSystem> fs,
                 std::unique_ptr<SqliteConnection> db, std::string database)
    : lake_dir_(std::move(lake_dir)),
      lake_root_(std::move(lake_root)),
      fs_(std::move(fs)),
      db_(std::move(db)),
      database_(std::move(database)) {}

Catalog::~Catalog() = default;

Result<std::unique_ptr<Catalog>> Catalog::Open(const std::string& lake_dir,
                                               const std::optional<std::string>& database) {
  auto fs = NewLocalFileSystem();
  STEDI_RETURN_NOT_OK(fs->CreateDirs(lake_dir));
  const std::string path = LakeLayout(lake_dir).CatalogPath();
  STEDI_ASSIGN_OR_RETURN(bool exists, fs->Exists(path));
  if (!exists) STEDI_RETURN_NOT_OK(CreateCatalogFile(path, database));
  STEDI_ASSIGN_OR_RETURN(auto db, SqliteConnection::Open(path, kBusyTimeoutMs));
  STEDI_ASSIGN_OR_RETURN(std::string name, PrepareCatalog(*db, database));
  char resolved[PATH_MAX];
  if (!::realpath(lake_dir.c_str(), resolved)) {
    return Status::IOError(lake_dir + ": cannot resolve the lake's absolute path");
  }
  return std::unique_ptr<Catalog>(
      new Catalog(lake_dir, resolved, std::move(fs), std::move(db), std::move(name)));
}

Result<std::unique_ptr<Catalog>> Catalog::OpenExisting(const std::string& lake_dir) {
  auto fs = NewLocalFileSystem();
  STEDI_ASSIGN_OR_RETURN(bool exists, fs->Exists(LakeLayout(lake_dir).CatalogPath()));
  if (!exists) {
    return Status::NotFound(lake_dir +
                            ": not a lake (no catalog.db); create one with `stedi ingest`");
  }
  return Open(lake_dir, std::nullopt);
}

Result<std::vector<DataFile>> Catalog::ListDataFilesLocked(std::string_view table) {
  STEDI_ASSIGN_OR_RETURN(auto stmt,
                         db_->Prepare("SELECT path, row_count, bytes FROM stedi_data_files "
                                      "WHERE table_name = ? ORDER BY file_id"));
  stmt.Bind(1, table);
  std::vector<DataFile> files;
  while (true) {
    STEDI_ASSIGN_OR_RETURN(bool row, stmt.Step());
    if (!row) break;
    files.push_back(DataFile{
        stmt.ColumnText(0), stmt.ColumnInt64(1), static_cast<uint64_t>(stmt.ColumnInt64(2)), {}});
  }
  return files;
}

// What the catalog's records say of one table before its Iceberg metadata is read.
struct Catalog::TableRecord {
  std::optional<StoredTable> stored;  // nullopt: a table another engine created
  std::string name;                   // as recorded
  std::optional<std::string> metadata_location;
  std::vector<DataFile> legacy_files;  // a stored table that has no Iceberg metadata yet
};

Result<std::optional<Catalog::TableRecord>> Catalog::FindTableRecordLocked(std::string_view name) {
  TableRecord record;
  STEDI_ASSIGN_OR_RETURN(record.stored, FindStoredTable(*db_, name));
  record.name = record.stored ? record.stored->name : std::string(name);
  STEDI_ASSIGN_OR_RETURN(
      auto stmt, db_->Prepare("SELECT table_name, metadata_location FROM iceberg_tables WHERE "
                              "catalog_name = ? AND table_namespace = ? AND table_name = ? "
                              "COLLATE NOCASE AND (iceberg_type IS NULL OR iceberg_type = "
                              "'TABLE') ORDER BY table_name = ? DESC"));
  stmt.Bind(1, kIcebergCatalogName).Bind(2, database_).Bind(3, record.name).Bind(4, record.name);
  STEDI_ASSIGN_OR_RETURN(bool row, stmt.Step());
  if (row && !stmt.ColumnIsNull(1)) {
    if (!record.stored) record.name = stmt.ColumnText(0);
    record.metadata_location = stmt.ColumnText(1);
  }
  if (!record.stored && !record.metadata_location) return std::optional<TableRecord>();
  if (record.stored && !record.metadata_location) {
    STEDI_ASSIGN_OR_RETURN(record.legacy_files, ListDataFilesLocked(record.name));
  }
  return std::optional<TableRecord>(std::move(record));
}

namespace {

// What the process has read of immutable Iceberg files, by URI. Small: a CLI reads a few dozen
// tables; a long-lived process starts over when it fills up.
struct IcebergFileCache {
  static constexpr size_t kMaxEntries = 512;
  std::mutex mutex;  // never held while reading files
  std::map<std::string, std::shared_ptr<const iceberg::TableMetadata>> metadata;
  std::map<std::string, std::shared_ptr<const std::vector<iceberg::DataFileInfo>>> files;

  static IcebergFileCache& Get() {
    static IcebergFileCache* cache = new IcebergFileCache();  // never destroyed: used at exit
    return *cache;
  }
};

}  // namespace

Result<std::shared_ptr<const iceberg::TableMetadata>> Catalog::LoadMetadata(
    const std::string& location) {
  IcebergFileCache& cache = IcebergFileCache::Get();
  {
    std::lock_guard<std::mutex> lock(cache.mutex);
    auto it = cache.metadata.find(location);
    if (it != cache.metadata.end()) return it->second;
  }
  STEDI_ASSIGN_OR_RETURN(iceberg::TableMetadata metadata, ReadTableMetadata(*fs_, location));
  auto shared = std::make_shared<const iceberg::TableMetadata>(std::move(metadata));
  std::lock_guard<std::mutex> lock(cache.mutex);
  if (cache.metadata.size() >= IcebergFileCache::kMaxEntries) cache.metadata.clear();
  cache.metadata[location] = shared;
  return shared;
}

Result<std::shared_ptr<const std::vector<iceberg::DataFileInfo>>> Catalog::LoadSnapshotFiles(
    const iceberg::Snapshot& snapshot) {
  IcebergFileCache& cache = IcebergFileCache::Get();
  {
    std::lock_guard<std::mutex> lock(cache.mutex);
    auto it = cache.files.find(snapshot.manifest_list);
    if (it != cache.files.end()) return it->second;
  }
  STEDI_ASSIGN_OR_RETURN(std::vector<iceberg::DataFileInfo> files,
                         SnapshotDataFiles(*fs_, snapshot));
  auto shared = std::make_shared<const std::vector<iceberg::DataFileInfo>>(std::move(files));
  std::lock_guard<std::mutex> lock(cache.mutex);
  if (cache.files.size() >= IcebergFileCache::kMaxEntries) cache.files.clear();
  cache.files[snapshot.manifest_list] = shared;
  return shared;
}

Result<TableEntry> Catalog::LoadTable(const TableRecord& record, const SnapshotSelector& at,
                                      bool with_files) {
  TableEntry entry;
  entry.name = record.name;
  entry.zone = Zone::kExternal;
  if (record.stored) {
    const StoredTable& t = *record.stored;
    entry.zone = t.zone;
    entry.location = t.location;
    STEDI_ASSIGN_OR_RETURN(entry.schema, SchemaFromJson(t.schema_json));
    entry.rows = t.rows;
    entry.version = t.version;
    entry.updated_at = t.updated_at;
  }
  if (!record.metadata_location) {
    if (!at.current()) {
      return Status::NotImplemented("table " + record.name +
                                    " has no Iceberg snapshots yet: time travel needs one");
    }
    entry.files = record.legacy_files;
    return entry;
  }
  // The Iceberg metadata is the truth for what a table holds: other engines may have
  // committed to it since our own records were written.
  STEDI_ASSIGN_OR_RETURN(std::shared_ptr<const iceberg::TableMetadata> cached,
                         LoadMetadata(*record.metadata_location));
  const iceberg::TableMetadata& metadata = *cached;
  STEDI_ASSIGN_OR_RETURN(const iceberg::Snapshot* snapshot,
                         SelectSnapshot(metadata, at, record.name));
  const Schema* schema = metadata.current_schema();
  if (snapshot && snapshot->schema_id && metadata.schema(*snapshot->schema_id)) {
    schema = metadata.schema(*snapshot->schema_id);
  }
  entry.schema = *schema;
  entry.rows = 0;
  if (snapshot && !with_files && snapshot->total_records()) {
    // Listing needs the row count only, which every Iceberg writer keeps in the summary.
    entry.snapshot_id = snapshot->snapshot_id;
    entry.rows = *snapshot->total_records();
  } else if (snapshot) {
    entry.snapshot_id = snapshot->snapshot_id;
    STEDI_ASSIGN_OR_RETURN(auto files, LoadSnapshotFiles(*snapshot));
    const std::string prefix = lake_root_ + "/";
    for (const iceberg::DataFileInfo& f : *files) {
      STEDI_ASSIGN_OR_RETURN(std::string path, LocalPathFromUri(f.file_path));
      if (path.rfind(prefix, 0) == 0) path = path.substr(prefix.size());
      entry.rows += f.record_count;
      // Readers need no column metrics; copying them for every file would cost more than
      // the lookup.
      entry.files.push_back(DataFile{
          std::move(path), f.record_count, static_cast<uint64_t>(f.file_size_in_bytes), {}});
    }
  }
  if (!record.stored) {
    STEDI_ASSIGN_OR_RETURN(std::string folder, LocalPathFromUri(metadata.location));
    const std::string prefix = lake_root_ + "/";
    entry.location = folder.rfind(prefix, 0) == 0 ? folder.substr(prefix.size()) : folder;
    entry.version = metadata.last_sequence_number;
    entry.updated_at = IsoUtcFromMillis(metadata.last_updated_ms);
  }
  return entry;
}

Result<std::vector<TableEntry>> Catalog::ListTables() {
  std::vector<TableRecord> records;
  {
    std::lock_guard<std::mutex> lock(mutex_);
    STEDI_ASSIGN_OR_RETURN(auto tx, SqliteTransaction::Begin(*db_, SqliteTransaction::Kind::kRead));
    STEDI_ASSIGN_OR_RETURN(
        auto ours,
        db_->Prepare("SELECT name FROM stedi_tables ORDER BY CASE zone WHEN 'landing' THEN 0 "
                     "WHEN 'trusted' THEN 1 ELSE 2 END, name COLLATE NOCASE"));
    STEDI_ASSIGN_OR_RETURN(std::vector<std::string> names, FirstColumnText(ours));
    // Tables other engines created in our namespace, after ours.
    STEDI_ASSIGN_OR_RETURN(
        auto theirs,
        db_->Prepare("SELECT table_name FROM iceberg_tables WHERE catalog_name = ? AND "
                     "table_namespace = ? AND (iceberg_type IS NULL OR iceberg_type = "
                     "'TABLE') AND table_name NOT IN (SELECT name FROM stedi_tables) "
                     "ORDER BY table_name"));
    theirs.Bind(1, kIcebergCatalogName).Bind(2, database_);
    STEDI_ASSIGN_OR_RETURN(std::vector<std::string> foreign, FirstColumnText(theirs));
    names.insert(names.end(), foreign.begin(), foreign.end());
    for (const std::string& name : names) {
      STEDI_ASSIGN_OR_RETURN(std::optional<TableRecord> record, FindTableRecordLocked(name));
      if (record) records.push_back(std::move(*record));
    }
    STEDI_RETURN_NOT_OK(tx->Commit());
  }
  std::vector<TableEntry> tables;
  for (const TableRecord& record : records) {
    Result<TableEntry> entry = LoadTable(record, {}, /*with_files=*/false);
    if (!entry.ok() && !record.stored) {
      // A foreign table we cannot read must not hide the others.
      TableEntry unreadable;
      unreadable.name = record.name;
      unreadable.zone = Zone::kExternal;
      unreadable.unreadable = entry.status().ToString();
      tables.push_back(std::move(unreadable));
      continue;
    }
    STEDI_RETURN_NOT_OK(entry.status());
    tables.push_back(std::move(*entry));
  }
  return tables;
}

Result<TableEntry> Catalog::GetTable(std::string_view name, const SnapshotSelector& at) {
  std::optional<TableRecord> record;
  {
    std::lock_guard<std::mutex> lock(mutex_);
    STEDI_ASSIGN_OR_RETURN(auto tx, SqliteTransaction::Begin(*db_, SqliteTransaction::Kind::kRead));
    STEDI_ASSIGN_OR_RETURN(record, FindTableRecordLocked(name));
    STEDI_RETURN_NOT_OK(tx->Commit());
  }
  if (!record) {
    return Status::NotFound("table '" + std::string(name) + "' not found in database '" +
                            database_ + "'");
  }
  return LoadTable(*record, at, /*with_files=*/true);
}

Result<int64_t> Catalog::TableVersion(std::string_view name) {
  std::lock_guard<std::mutex> lock(mutex_);
  STEDI_ASSIGN_OR_RETURN(auto tx, SqliteTransaction::Begin(*db_, SqliteTransaction::Kind::kRead));
  STEDI_ASSIGN_OR_RETURN(std::optional<TableRecord> record, FindTableRecordLocked(name));
  STEDI_RETURN_NOT_OK(tx->Commit());
  if (!record || !record->stored) {
    return Status::NotFound("table '" + std::string(name) +
                            "' not found among stedi's tables in database '" + database_ + "'");
  }
  return record->stored->version;
}

Result<std::optional<SourceFile>> Catalog::FindSourceFile(std::string_view source,
                                                          std::string_view name) {
  std::lock_guard<std::mutex> lock(mutex_);
  return FindSourceFileIn(*db_, source, name);
}

Result<std::vector<SourceFile>> Catalog::ListSourceFilesLocked(std::string_view source) {
  STEDI_ASSIGN_OR_RETURN(
      auto stmt, db_->Prepare(std::string(kSelectSourceFile) + " WHERE source = ? ORDER BY rowid"));
  stmt.Bind(1, source);
  std::vector<SourceFile> files;
  while (true) {
    STEDI_ASSIGN_OR_RETURN(bool row, stmt.Step());
    if (!row) break;
    files.push_back(ReadSourceFile(stmt));
  }
  return files;
}

Result<std::vector<SourceFile>> Catalog::ListSourceFiles(std::string_view source) {
  std::lock_guard<std::mutex> lock(mutex_);
  return ListSourceFilesLocked(source);
}

Result<std::vector<FieldObservation>> Catalog::ObservationsLocked(std::string_view source) {
  STEDI_ASSIGN_OR_RETURN(auto stmt,
                         db_->Prepare("SELECT source, file, field, json_types, present, nulls "
                                      "FROM stedi_field_observations WHERE source = ? "
                                      "ORDER BY rowid"));
  stmt.Bind(1, source);
  std::vector<FieldObservation> out;
  while (true) {
    STEDI_ASSIGN_OR_RETURN(bool row, stmt.Step());
    if (!row) break;
    out.push_back({stmt.ColumnText(0), stmt.ColumnText(1), stmt.ColumnText(2), stmt.ColumnText(3),
                   stmt.ColumnInt64(4), stmt.ColumnInt64(5)});
  }
  return out;
}

Result<std::vector<FieldObservation>> Catalog::Observations(std::string_view source) {
  std::lock_guard<std::mutex> lock(mutex_);
  return ObservationsLocked(source);
}

Result<std::vector<FieldSummary>> Catalog::SummarizeFields(std::string_view source) {
  std::lock_guard<std::mutex> lock(mutex_);
  STEDI_ASSIGN_OR_RETURN(auto tx, SqliteTransaction::Begin(*db_, SqliteTransaction::Kind::kRead));
  STEDI_ASSIGN_OR_RETURN(auto files, ListSourceFilesLocked(source));
  STEDI_ASSIGN_OR_RETURN(auto observations, ObservationsLocked(source));
  STEDI_RETURN_NOT_OK(tx->Commit());
  return SummarizeFieldObservations(files, observations);
}

Result<std::vector<DriftNote>> Catalog::Drift(std::string_view source) {
  std::lock_guard<std::mutex> lock(mutex_);
  STEDI_ASSIGN_OR_RETURN(auto tx, SqliteTransaction::Begin(*db_, SqliteTransaction::Kind::kRead));
  STEDI_ASSIGN_OR_RETURN(auto files, ListSourceFilesLocked(source));
  STEDI_ASSIGN_OR_RETURN(auto observations, ObservationsLocked(source));
  STEDI_RETURN_NOT_OK(tx->Commit());
  return FindSchemaDrift(files, observations);
}

Result<std::string> Catalog::IcebergMetadataLocation(std::string_view name) {
  std::lock_guard<std::mutex> lock(mutex_);
  STEDI_ASSIGN_OR_RETURN(std::optional<TableRecord> record, FindTableRecordLocked(name));
  if (!record || !record->metadata_location) {
    return Status::NotFound("table '" + std::string(name) +
                            "' has no Iceberg metadata in database '" + database_ + "'");
  }
  return *record->metadata_location;
}

Result<iceberg::TableMetadata> Catalog::IcebergMetadata(std::string_view name) {
  STEDI_ASSIGN_OR_RETURN(std::string location, IcebergMetadataLocation(name));
  STEDI_ASSIGN_OR_RETURN(auto metadata, LoadMetadata(location));
  return *metadata;
}

namespace {

int64_t NowMillis() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

}  // namespace

Status Catalog::Rollback(std::string_view name, int64_t snapshot_id) {
  std::optional<TableRecord> record;
  {
    std::lock_guard<std::mutex> lock(mutex_);
    STEDI_ASSIGN_OR_RETURN(record, FindTableRecordLocked(name));
  }
  if (!record) {
    return Status::NotFound("table '" + std::string(name) + "' not found in database '" +
                            database_ + "'");
  }
  if (!record->stored || !record->metadata_location) {
    return Status::Invalid("table " + record->name +
                           (record->stored ? " has no Iceberg snapshots to roll back to"
                                           : " belongs to another engine; roll it back there"));
  }
  STEDI_ASSIGN_OR_RETURN(auto current, LoadMetadata(*record->metadata_location));
  if (current->current_snapshot_id == snapshot_id) return Status::OK();
  iceberg::TableMetadata metadata = *current;
  STEDI_ASSIGN_OR_RETURN(
      metadata, RollbackMetadata(std::move(metadata), snapshot_id, *record->metadata_location,
                                 NowMillis(), record->name));
  // Our own records follow: the rolled-back snapshot's files and schema, version + 1.
  SnapshotSelector at;
  at.snapshot_id = snapshot_id;
  STEDI_ASSIGN_OR_RETURN(TableEntry target, LoadTable(*record, at, /*with_files=*/true));
  TableChange change;
  change.table = record->name;
  change.zone = record->stored->zone;
  change.location = record->stored->location;
  change.schema = target.schema;
  change.mode = TableChange::Mode::kReplace;
  change.files = target.files;
  change.expected_version = record->stored->version;

  STEDI_ASSIGN_OR_RETURN(WrittenMetadata written,
                         WriteMetadataFile(*fs_, metadata, record->metadata_location));
  PreparedSnapshot prepared;
  prepared.table = record->name;
  prepared.previous_location = record->metadata_location;
  prepared.metadata_location = written.location;
  prepared.written = {written.path};
  Status published = [&]() -> Status {
    STEDI_RETURN_NOT_OK(fs_->SyncWrites(lake_root_));
    std::lock_guard<std::mutex> lock(mutex_);
    STEDI_ASSIGN_OR_RETURN(auto tx,
                           SqliteTransaction::Begin(*db_, SqliteTransaction::Kind::kWrite));
    STEDI_RETURN_NOT_OK(ApplyTableChange(*db_, change, NowUtc()));
    STEDI_RETURN_NOT_OK(SwapMetadataLocation(*db_, database_, prepared));
    return tx->Commit();
  }();
  if (!published.ok()) (void)fs_->DeleteFile(written.path);
  return published;
}

Result<Catalog::ExpireReport> Catalog::ExpireSnapshots(int64_t cutoff_ms) {
  std::vector<TableRecord> records;
  {
    std::lock_guard<std::mutex> lock(mutex_);
    STEDI_ASSIGN_OR_RETURN(auto tx, SqliteTransaction::Begin(*db_, SqliteTransaction::Kind::kRead));
    STEDI_ASSIGN_OR_RETURN(auto stmt, db_->Prepare("SELECT name FROM stedi_tables ORDER BY name"));
    STEDI_ASSIGN_OR_RETURN(std::vector<std::string> names, FirstColumnText(stmt));
    for (const std::string& name : names) {
      STEDI_ASSIGN_OR_RETURN(std::optional<TableRecord> record, FindTableRecordLocked(name));
      if (record && record->metadata_location) records.push_back(std::move(*record));
    }
    STEDI_RETURN_NOT_OK(tx->Commit());
  }
  ExpireReport report;
  const int64_t now_ms = NowMillis();
  std::vector<PreparedSnapshot> prepared;
  std::vector<std::string> deletable;
  auto discard = [&] {
    for (const PreparedSnapshot& p : prepared) (void)fs_->DeleteFile(p.written.front());
  };
  for (const TableRecord& record : records) {
    auto metadata = LoadMetadata(*record.metadata_location);
    Result<std::optional<ExpiryPlan>> plan =
        metadata.ok() ? PlanExpiry(*fs_, **metadata, *record.metadata_location, cutoff_ms, now_ms)
                      : Result<std::optional<ExpiryPlan>>(metadata.status());
    if (!plan.ok()) {
      discard();
      return plan.status().WithContext("expire: table " + record.name);
    }
    if (!*plan) continue;
    auto written = WriteMetadataFile(*fs_, (*plan)->metadata, record.metadata_location);
    if (!written.ok()) {
      discard();
      return written.status();
    }
    PreparedSnapshot p;
    p.table = record.name;
    p.previous_location = record.metadata_location;
    p.metadata_location = written->location;
    p.written = {written->path};
    prepared.push_back(std::move(p));
    ++report.tables_changed;
    report.snapshots_expired += static_cast<int64_t>((*plan)->expired.size());
    deletable.insert(deletable.end(), (*plan)->deletable.begin(), (*plan)->deletable.end());
  }
  if (prepared.empty()) {
    STEDI_RETURN_NOT_OK(RemoveOrphans(records, cutoff_ms, now_ms, &report));
    return report;
  }
  Status published = [&]() -> Status {
    STEDI_RETURN_NOT_OK(fs_->SyncWrites(lake_root_));
    std::lock_guard<std::mutex> lock(mutex_);
    STEDI_ASSIGN_OR_RETURN(auto tx,
                           SqliteTransaction::Begin(*db_, SqliteTransaction::Kind::kWrite));
    for (const PreparedSnapshot& p : prepared) {
      STEDI_RETURN_NOT_OK(SwapMetadataLocation(*db_, database_, p));
    }
    return tx->Commit();
  }();
  if (!published.ok()) {
    discard();
    return published;
  }
  // Only now that no committed metadata reaches them may the files go.
  for (const std::string& path : deletable) {
    Status deleted = fs_->DeleteFile(path);
    if (deleted.ok()) {
      ++report.files_deleted;
    } else {
      report.warnings.push_back(deleted.ToString());
    }
  }
  for (size_t i = 0, p = 0; i < records.size() && p < prepared.size(); ++i) {
    if (records[i].name == prepared[p].table)
      records[i].metadata_location = prepared[p++].metadata_location;
  }
  STEDI_RETURN_NOT_OK(RemoveOrphans(records, cutoff_ms, now_ms, &report));
  return report;
}

Status Catalog::RemoveOrphans(const std::vector<TableRecord>& records, int64_t cutoff_ms,
                              int64_t now_ms, ExpireReport* report) {
  constexpr int64_t kWriterGraceMs = 3600 * 1000;
  const int64_t settled_before = std::min(cutoff_ms, now_ms - kWriterGraceMs);
  for (const TableRecord& record : records) {
    STEDI_ASSIGN_OR_RETURN(auto metadata, LoadMetadata(*record.metadata_location));
    STEDI_ASSIGN_OR_RETURN(std::set<std::string> reachable,
                           ReachableFiles(*fs_, *metadata, *record.metadata_location));
    STEDI_ASSIGN_OR_RETURN(std::string folder, LocalPathFromUri(metadata->location));
    auto listed = fs_->ListRecursive(folder);
    if (!listed.ok()) {
      if (listed.status().IsNotFound()) continue;
      return listed.status();
    }
    for (const FileInfo& f : *listed) {
      if (reachable.count(f.path)) continue;
      if (!IsAbandonedTempFile(BaseName(f.path)) && f.modified_ms >= settled_before) continue;
      Status deleted = fs_->DeleteFile(f.path);
      if (deleted.ok()) {
        ++report->orphans_deleted;
      } else {
        report->warnings.push_back(deleted.ToString());
      }
    }
  }
  return Status::OK();
}

Status Catalog::Commit(const CommitRequest& request) {
  STEDI_RETURN_NOT_OK(ValidateRequest(request));
  std::lock_guard<std::mutex> lock(mutex_);
  // Appends that only lost the race for a table's metadata pointer (another writer appended
  // first) are redone on top of the new snapshot, as Iceberg writers do; anything else that
  // conflicts is the caller's to decide.
  bool retryable = true;
  for (const TableChange& change : request.tables) {
    if (change.mode != TableChange::Mode::kAppend || change.expected_version) retryable = false;
  }
  // Generous: four writers appending in a loop under a sanitizer lost eight races in a row.
  constexpr int kAttempts = 32;
  for (int attempt = 1;; ++attempt) {
    bool moved = false;
    Status status = CommitOnceLocked(request, &moved);
    if (status.ok() || !moved || !retryable || attempt == kAttempts) return status;
    // Back off a little, differently per writer, so two retrying writers do not collide again.
    std::this_thread::sleep_for(std::chrono::milliseconds(1 + RandomBits() % (4 * attempt)));
  }
}

Status Catalog::CommitOnceLocked(const CommitRequest& request, bool* moved) {
  // 1. What each table is now. Read without the write lock: the swap below checks that no
  //    other writer moved it meanwhile, so the slow part (writing files) blocks nobody.
  std::vector<SnapshotBase> bases(request.tables.size());
  std::vector<std::string> names(request.tables.size());
  {
    STEDI_ASSIGN_OR_RETURN(auto tx, SqliteTransaction::Begin(*db_, SqliteTransaction::Kind::kRead));
    for (size_t i = 0; i < request.tables.size(); ++i) {
      const TableChange& change = request.tables[i];
      STEDI_ASSIGN_OR_RETURN(std::optional<TableRecord> record,
                             FindTableRecordLocked(change.table));
      if (record && !record->stored) {
        return Status::Invalid("commit: table " + record->name +
                               " was created by another engine; stedi does not write to it");
      }
      names[i] = record ? record->name : change.table;
      if (record) {
        bases[i].metadata_location = record->metadata_location;
        // A table written before tables were Iceberg tables: its files join the first snapshot.
        if (change.mode == TableChange::Mode::kAppend) bases[i].legacy_files = record->legacy_files;
      }
    }
    STEDI_RETURN_NOT_OK(tx->Commit());
  }
  for (SnapshotBase& base : bases) {
    if (base.metadata_location) {
      STEDI_ASSIGN_OR_RETURN(base.metadata, LoadMetadata(*base.metadata_location));
    }
  }
  // 2. The Iceberg files of every table's next snapshot, under fresh names.
  const int64_t now_ms = NowMillis();
  std::vector<std::optional<PreparedSnapshot>> prepared(request.tables.size());
  auto discard = [&] {
    for (const auto& p : prepared) {
      if (!p) continue;
      for (const std::string& path : p->written) (void)fs_->DeleteFile(path);
    }
  };
  // Each table's files are its own: written side by side (a run publishes five tables, each
  // a manifest, a manifest list and a metadata file).
  const size_t tables = request.tables.size();
  Status written = ParallelFor(tables, std::min(tables, DefaultParallelism()), [&](size_t i) {
    TableChange change = request.tables[i];
    change.table = names[i];
    auto snapshot = WriteIcebergSnapshot(*fs_, lake_root_, change, bases[i], now_ms);
    if (!snapshot.ok()) return snapshot.status().WithContext("commit: table " + names[i]);
    prepared[i] = std::move(*snapshot);
    return Status::OK();
  });
  if (!written.ok()) {
    discard();
    return written;
  }
  // 3. One barrier makes the writer's data files and our metadata durable before any of it
  //    becomes visible.
  if (Status synced = fs_->SyncWrites(lake_root_); !synced.ok()) {
    discard();
    return synced;
  }
  // 4. Publish: everything in one write transaction, or nothing.
  Status published = [&]() -> Status {
    STEDI_ASSIGN_OR_RETURN(auto tx,
                           SqliteTransaction::Begin(*db_, SqliteTransaction::Kind::kWrite));
    // One timestamp for the whole commit: everything it changes changed at the same instant.
    std::string now = NowUtc();
    for (size_t i = 0; i < request.tables.size(); ++i) {
      STEDI_RETURN_NOT_OK(ApplyTableChange(*db_, request.tables[i], now));
      if (prepared[i]) {
        STEDI_RETURN_NOT_OK(SwapMetadataLocation(*db_, database_, *prepared[i], moved));
      }
    }
    for (const SourceFile& f : request.source_files) {
      STEDI_RETURN_NOT_OK(InsertSourceFile(*db_, f, now));
    }
    STEDI_RETURN_NOT_OK(InsertObservations(*db_, request.observations));
    // Leaving without Commit (any return above) rolls everything back.
    return tx->Commit();
  }();
  if (!published.ok()) {
    discard();
    return published;
  }
  // Later reads in this process find what was just written without reading it back.
  IcebergFileCache& cache = IcebergFileCache::Get();
  std::lock_guard<std::mutex> cache_lock(cache.mutex);
  for (const auto& p : prepared) {
    if (!p || !p->metadata) continue;
    cache.metadata[p->metadata_location] = p->metadata;
    const iceberg::Snapshot* snapshot = p->metadata->current_snapshot();
    if (p->files && snapshot) cache.files[snapshot->manifest_list] = p->files;
  }
  return Status::OK();
}

}  // namespace stedi
