#include "catalog/catalog.h"

#include <cctype>
#include <chrono>
#include <ctime>
#include <map>
#include <set>

#include "catalog/catalog_migrations.h"
#include "catalog/schema_json.h"
#include "catalog/sqlite_connection.h"
#include "storage/file_system.h"
#include "storage/lake_layout.h"

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

}  // namespace

Catalog::Catalog(std::string lake_dir, std::unique_ptr<SqliteConnection> db, std::string database)
    : lake_dir_(std::move(lake_dir)), db_(std::move(db)), database_(std::move(database)) {}

Catalog::~Catalog() = default;

Result<std::unique_ptr<Catalog>> Catalog::Open(const std::string& lake_dir,
                                               const std::optional<std::string>& database) {
  auto fs = NewLocalFileSystem();
  STEDI_RETURN_NOT_OK(fs->CreateDirs(lake_dir));
  STEDI_ASSIGN_OR_RETURN(
      auto db, SqliteConnection::Open(LakeLayout(lake_dir).CatalogPath(), kBusyTimeoutMs));
  STEDI_ASSIGN_OR_RETURN(std::string name, PrepareCatalog(*db, database));
  return std::unique_ptr<Catalog>(new Catalog(lake_dir, std::move(db), std::move(name)));
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
    files.push_back(
        {stmt.ColumnText(0), stmt.ColumnInt64(1), static_cast<uint64_t>(stmt.ColumnInt64(2))});
  }
  return files;
}

Result<std::vector<TableEntry>> Catalog::ListTables() {
  std::lock_guard<std::mutex> lock(mutex_);
  STEDI_ASSIGN_OR_RETURN(auto tx, SqliteTransaction::Begin(*db_, SqliteTransaction::Kind::kRead));
  std::vector<StoredTable> stored;
  {
    STEDI_ASSIGN_OR_RETURN(
        auto stmt,
        db_->Prepare(std::string(kSelectTable) +
                     " ORDER BY CASE zone WHEN 'landing' THEN 0 WHEN 'trusted' THEN 1 ELSE 2 END, "
                     "name COLLATE NOCASE"));
    while (true) {
      STEDI_ASSIGN_OR_RETURN(bool row, stmt.Step());
      if (!row) break;
      STEDI_ASSIGN_OR_RETURN(StoredTable t, ReadStoredTable(stmt));
      stored.push_back(std::move(t));
    }
  }
  std::vector<TableEntry> tables;
  for (StoredTable& t : stored) {
    STEDI_ASSIGN_OR_RETURN(Schema schema, SchemaFromJson(t.schema_json));
    STEDI_ASSIGN_OR_RETURN(auto files, ListDataFilesLocked(t.name));
    tables.push_back(TableEntry{t.name, t.zone, t.location, std::move(schema), std::move(files),
                                t.rows, t.version, t.updated_at});
  }
  STEDI_RETURN_NOT_OK(tx->Commit());
  return tables;
}

Result<TableEntry> Catalog::GetTable(std::string_view name) {
  std::lock_guard<std::mutex> lock(mutex_);
  STEDI_ASSIGN_OR_RETURN(auto tx, SqliteTransaction::Begin(*db_, SqliteTransaction::Kind::kRead));
  STEDI_ASSIGN_OR_RETURN(std::optional<StoredTable> t, FindStoredTable(*db_, name));
  if (!t) {
    return Status::NotFound("table '" + std::string(name) + "' not found in database '" +
                            database_ + "'");
  }
  STEDI_ASSIGN_OR_RETURN(Schema schema, SchemaFromJson(t->schema_json));
  STEDI_ASSIGN_OR_RETURN(auto files, ListDataFilesLocked(t->name));
  STEDI_RETURN_NOT_OK(tx->Commit());
  return TableEntry{t->name,          t->zone, t->location, std::move(schema),
                    std::move(files), t->rows, t->version,  t->updated_at};
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

Status Catalog::Commit(const CommitRequest& request) {
  STEDI_RETURN_NOT_OK(ValidateRequest(request));
  std::lock_guard<std::mutex> lock(mutex_);
  STEDI_ASSIGN_OR_RETURN(auto tx, SqliteTransaction::Begin(*db_, SqliteTransaction::Kind::kWrite));
  // One timestamp for the whole commit: everything it changes changed at the same instant.
  std::string now = NowUtc();
  for (const TableChange& change : request.tables) {
    STEDI_RETURN_NOT_OK(ApplyTableChange(*db_, change, now));
  }
  for (const SourceFile& f : request.source_files) {
    STEDI_RETURN_NOT_OK(InsertSourceFile(*db_, f, now));
  }
  STEDI_RETURN_NOT_OK(InsertObservations(*db_, request.observations));
  // Leaving without Commit (any return above) rolls everything back.
  return tx->Commit();
}

}  // namespace stedi
