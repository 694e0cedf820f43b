#include "catalog/catalog_migrations.h"

#include <functional>
#include <vector>

namespace stedi {
namespace {

// Version 1: our own records, plus the two tables of Iceberg's JDBC catalog. The Iceberg
// DDL is the one JdbcCatalog itself runs (its "V0" create, then the "V1" column
// iceberg_type), so Spark's JdbcCatalog and PyIceberg's SqlCatalog find exactly the layout
// they would have created, detect the iceberg_type column and never alter the file.
constexpr std::string_view kVersion1 = R"sql(
CREATE TABLE stedi_lake (
  singleton     INTEGER PRIMARY KEY CHECK (singleton = 1),
  database_name TEXT NOT NULL,
  created_at    TEXT NOT NULL
);
CREATE TABLE stedi_tables (
  name        TEXT NOT NULL COLLATE NOCASE PRIMARY KEY,
  zone        TEXT NOT NULL CHECK (zone IN ('landing', 'trusted', 'curated')),
  location    TEXT NOT NULL,
  schema_json TEXT NOT NULL,
  row_count   INTEGER NOT NULL CHECK (row_count >= 0),
  version     INTEGER NOT NULL CHECK (version >= 1),
  updated_at  TEXT NOT NULL
);
CREATE TABLE stedi_data_files (
  file_id          INTEGER PRIMARY KEY,
  table_name       TEXT NOT NULL COLLATE NOCASE REFERENCES stedi_tables (name),
  path             TEXT NOT NULL UNIQUE,
  row_count        INTEGER NOT NULL CHECK (row_count >= 0),
  bytes            INTEGER NOT NULL CHECK (bytes >= 0),
  added_in_version INTEGER NOT NULL
);
CREATE INDEX stedi_data_files_by_table ON stedi_data_files (table_name, file_id);
CREATE TABLE stedi_source_files (
  source               TEXT NOT NULL,
  name                 TEXT NOT NULL,
  sha256               TEXT NOT NULL CHECK (length(sha256) = 64),
  bytes                INTEGER NOT NULL,
  landed_path          TEXT NOT NULL,
  records              INTEGER NOT NULL,
  quarantined          INTEGER NOT NULL,
  unconvertible_fields INTEGER NOT NULL,
  ingested_at          TEXT NOT NULL,
  PRIMARY KEY (source, name)
);
CREATE TABLE stedi_field_observations (
  source     TEXT NOT NULL,
  file       TEXT NOT NULL,
  field      TEXT NOT NULL,
  json_types TEXT NOT NULL,
  present    INTEGER NOT NULL CHECK (present >= 0),
  nulls      INTEGER NOT NULL CHECK (nulls >= 0),
  PRIMARY KEY (source, file, field),
  FOREIGN KEY (source, file) REFERENCES stedi_source_files (source, name)
);
CREATE TABLE IF NOT EXISTS iceberg_tables(catalog_name VARCHAR(255) NOT NULL,table_namespace VARCHAR(255) NOT NULL,table_name VARCHAR(255) NOT NULL,metadata_location VARCHAR(1000),previous_metadata_location VARCHAR(1000),PRIMARY KEY (catalog_name, table_namespace, table_name));
CREATE TABLE IF NOT EXISTS iceberg_namespace_properties(catalog_name VARCHAR(255) NOT NULL,namespace VARCHAR(255) NOT NULL,property_key VARCHAR(255),property_value VARCHAR(1000),PRIMARY KEY (catalog_name, namespace, property_key));
)sql";

Result<bool> HasColumn(SqliteConnection& db, std::string_view table, std::string_view column) {
  STEDI_ASSIGN_OR_RETURN(auto stmt,
                         db.Prepare("SELECT 1 FROM pragma_table_info(?) WHERE name = ?"));
  stmt.Bind(1, table).Bind(2, column);
  return stmt.Step();
}

Status MigrateTo1(SqliteConnection& db) {
  STEDI_RETURN_NOT_OK(db.Execute(kVersion1));
  // A file first opened by an Iceberg client may already hold iceberg_tables without it.
  STEDI_ASSIGN_OR_RETURN(bool has_type, HasColumn(db, "iceberg_tables", "iceberg_type"));
  if (!has_type) {
    STEDI_RETURN_NOT_OK(
        db.Execute("ALTER TABLE iceberg_tables ADD COLUMN iceberg_type VARCHAR(5)"));
  }
  return Status::OK();
}

// MIGRATIONS[i] brings a catalog from version i to version i + 1.
const std::vector<std::function<Status(SqliteConnection&)>>& Migrations() {
  static const std::vector<std::function<Status(SqliteConnection&)>> migrations = {MigrateTo1};
  return migrations;
}

}  // namespace

Result<int> ReadCatalogSchemaVersion(SqliteConnection& db) {
  STEDI_ASSIGN_OR_RETURN(auto exists,
                         db.Prepare("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = "
                                    "'stedi_schema_version'"));
  STEDI_ASSIGN_OR_RETURN(bool found, exists.Step());
  if (!found) return 0;
  STEDI_ASSIGN_OR_RETURN(auto max,
                         db.Prepare("SELECT coalesce(max(version), 0) FROM stedi_schema_version"));
  STEDI_ASSIGN_OR_RETURN(bool row, max.Step());
  if (!row) return Status::Internal("SELECT max(version) returned no row");
  return static_cast<int>(max.ColumnInt64(0));
}

Status MigrateCatalogSchema(SqliteConnection& db, int from, std::string_view now) {
  static_assert(kCatalogSchemaVersion >= 1);
  if (from > kCatalogSchemaVersion) {
    return Status::NotImplemented(db.path() + ": catalog schema version " + std::to_string(from) +
                                  " is newer than this stedi (" +
                                  std::to_string(kCatalogSchemaVersion) + "); upgrade stedi");
  }
  if (static_cast<size_t>(kCatalogSchemaVersion) != Migrations().size()) {
    return Status::Internal("catalog migrations do not reach kCatalogSchemaVersion");
  }
  if (from == 0) {
    STEDI_RETURN_NOT_OK(
        db.Execute("CREATE TABLE stedi_schema_version (version INTEGER NOT NULL PRIMARY KEY, "
                   "applied_at TEXT NOT NULL)"));
  }
  for (int v = from; v < kCatalogSchemaVersion; ++v) {
    Status migrated = Migrations()[static_cast<size_t>(v)](db);
    if (!migrated.ok()) {
      return migrated.WithContext("migrating the catalog to schema version " +
                                  std::to_string(v + 1));
    }
    STEDI_ASSIGN_OR_RETURN(
        auto record,
        db.Prepare("INSERT INTO stedi_schema_version (version, applied_at) VALUES (?, ?)"));
    STEDI_RETURN_NOT_OK(record.Bind(1, int64_t{v + 1}).Bind(2, now).Run());
  }
  return Status::OK();
}

}  // namespace stedi
