#pragma once

#include <string_view>

#include "catalog/sqlite_connection.h"
#include "status/result.h"

namespace stedi {

/// The catalog schema version this build writes; stored in stedi_schema_version.
inline constexpr int kCatalogSchemaVersion = 1;
/// The catalog name Iceberg clients must use (Spark: spark.sql.catalog.stedi; PyIceberg:
/// SqlCatalog("stedi", ...)): JdbcCatalog keys every row by it.
inline constexpr std::string_view kIcebergCatalogName = "stedi";

/// Returns the schema version of the open database: 0 when it holds no stedi catalog yet.
Result<int> ReadCatalogSchemaVersion(SqliteConnection& db);

/// Brings a catalog from version FROM to kCatalogSchemaVersion, creating every table when
/// FROM is 0. Runs inside the caller's write transaction. NOW is the ISO-8601 UTC time.
Status MigrateCatalogSchema(SqliteConnection& db, int from, std::string_view now);

}  // namespace stedi
