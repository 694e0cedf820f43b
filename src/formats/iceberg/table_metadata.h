#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "columnar/schema.h"
#include "status/result.h"

namespace stedi::iceberg {

/// One snapshot of a table (Iceberg spec, "Snapshots").
struct Snapshot {
  int64_t snapshot_id = 0;
  std::optional<int64_t> parent_snapshot_id;
  int64_t sequence_number = 0;
  int64_t timestamp_ms = 0;
  std::string manifest_list;  ///< URI of the manifest list (Avro).
  /// "operation" (append, overwrite, replace, delete) plus the counters Iceberg writers keep:
  /// added-data-files, added-records, total-records, total-data-files, …
  std::map<std::string, std::string> summary;
  std::optional<int> schema_id;

  std::string operation() const;
  /// summary's total-records / total-data-files, or nullopt when absent or not a number.
  std::optional<int64_t> total_records() const;
  std::optional<int64_t> total_data_files() const;
};

struct SnapshotLogEntry {
  int64_t timestamp_ms = 0;
  int64_t snapshot_id = 0;
};

struct MetadataLogEntry {
  int64_t timestamp_ms = 0;
  std::string metadata_file;
};

/// An Iceberg format v2 table metadata file (Iceberg spec, "Table Metadata"). Partition specs
/// and sort orders are kept as JSON text: we write unpartitioned, unsorted tables, and keep a
/// foreign writer's specs as they were when we commit on top of its metadata.
struct TableMetadata {
  int format_version = 2;
  std::string table_uuid;
  std::string location;  ///< Base URI of the table, e.g. file:///lake/customer/landing/t.
  int64_t last_sequence_number = 0;
  int64_t last_updated_ms = 0;
  int last_column_id = 0;
  std::vector<std::pair<int, Schema>> schemas;  ///< (schema-id, schema)
  int current_schema_id = 0;
  std::string partition_specs_json = "[{\"spec-id\":0,\"fields\":[]}]";
  int default_spec_id = 0;
  int last_partition_id = 999;
  std::string sort_orders_json = "[{\"order-id\":0,\"fields\":[]}]";
  int default_sort_order_id = 0;
  std::map<std::string, std::string> properties;
  std::optional<int64_t> current_snapshot_id;
  std::vector<Snapshot> snapshots;
  std::vector<SnapshotLogEntry> snapshot_log;
  std::vector<MetadataLogEntry> metadata_log;

  /// The current schema; nullptr if current_schema_id names none.
  const Schema* current_schema() const;
  const Schema* schema(int schema_id) const;
  const Snapshot* current_snapshot() const;
  const Snapshot* FindSnapshot(int64_t snapshot_id) const;
};

/// Writes METADATA as the JSON document the spec defines (refs.main tracks the current
/// snapshot).
std::string TableMetadataToJson(const TableMetadata& metadata);

/// Parses a table metadata file (format v1 or v2). WHERE names the file in errors.
Result<TableMetadata> ParseTableMetadata(std::string_view json, const std::string& where);

}  // namespace stedi::iceberg
