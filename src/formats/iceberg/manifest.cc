#include "formats/iceberg/manifest.h"

#include <algorithm>

#include "formats/avro/container_reader.h"
#include "formats/avro/container_writer.h"
#include "formats/iceberg/iceberg_schema.h"

namespace stedi::iceberg {
namespace {

// An Iceberg map<int, T> in Avro: an array of key/value records marked logicalType "map".
std::string IntMapField(const char* name, int field_id, int key_id, int value_id,
                        const char* value_type) {
  std::string k = std::to_string(key_id), v = std::to_string(value_id);
  return std::string("{\"name\":\"") + name +
         "\",\"type\":[\"null\",{\"type\":\"array\",\"logicalType\":\"map\",\"items\":{"
         "\"type\":\"record\",\"name\":\"k" +
         k + "_v" + v + "\",\"fields\":[{\"name\":\"key\",\"type\":\"int\",\"field-id\":" + k +
         "},{\"name\":\"value\",\"type\":\"" + value_type + "\",\"field-id\":" + v +
         "}]}}],\"default\":null,\"field-id\":" + std::to_string(field_id) + "}";
}

// The manifest_entry schema of the Iceberg spec (format v2), field ids included.
const std::string& ManifestEntrySchema() {
  static const std::string kSchema =
      "{\"type\":\"record\",\"name\":\"manifest_entry\",\"fields\":["
      "{\"name\":\"status\",\"type\":\"int\",\"field-id\":0},"
      "{\"name\":\"snapshot_id\",\"type\":[\"null\",\"long\"],\"default\":null,\"field-id\":1},"
      "{\"name\":\"sequence_number\",\"type\":[\"null\",\"long\"],\"default\":null,"
      "\"field-id\":3},"
      "{\"name\":\"file_sequence_number\",\"type\":[\"null\",\"long\"],\"default\":null,"
      "\"field-id\":4},"
      "{\"name\":\"data_file\",\"field-id\":2,\"type\":{\"type\":\"record\",\"name\":\"r2\","
      "\"fields\":["
      "{\"name\":\"content\",\"type\":\"int\",\"field-id\":134},"
      "{\"name\":\"file_path\",\"type\":\"string\",\"field-id\":100},"
      "{\"name\":\"file_format\",\"type\":\"string\",\"field-id\":101},"
      "{\"name\":\"partition\",\"type\":{\"type\":\"record\",\"name\":\"r102\",\"fields\":[]},"
      "\"field-id\":102},"
      "{\"name\":\"record_count\",\"type\":\"long\",\"field-id\":103},"
      "{\"name\":\"file_size_in_bytes\",\"type\":\"long\",\"field-id\":104}," +
      IntMapField("column_sizes", 108, 117, 118, "long") + "," +
      IntMapField("value_counts", 109, 119, 120, "long") + "," +
      IntMapField("null_value_counts", 110, 121, 122, "long") + "," +
      IntMapField("nan_value_counts", 137, 138, 139, "long") + "," +
      IntMapField("lower_bounds", 125, 126, 127, "bytes") + "," +
      IntMapField("upper_bounds", 128, 129, 130, "bytes") +
      ",{\"name\":\"key_metadata\",\"type\":[\"null\",\"bytes\"],\"default\":null,"
      "\"field-id\":131},"
      "{\"name\":\"split_offsets\",\"type\":[\"null\",{\"type\":\"array\",\"items\":\"long\","
      "\"element-id\":133}],\"default\":null,\"field-id\":132},"
      "{\"name\":\"equality_ids\",\"type\":[\"null\",{\"type\":\"array\",\"items\":\"int\","
      "\"element-id\":136}],\"default\":null,\"field-id\":135},"
      "{\"name\":\"sort_order_id\",\"type\":[\"null\",\"int\"],\"default\":null,"
      "\"field-id\":140}"
      "]}}]}";
  return kSchema;
}

// The manifest_file schema of the Iceberg spec (format v2).
const std::string& ManifestFileSchema() {
  static const std::string kSchema =
      "{\"type\":\"record\",\"name\":\"manifest_file\",\"fields\":["
      "{\"name\":\"manifest_path\",\"type\":\"string\",\"field-id\":500},"
      "{\"name\":\"manifest_length\",\"type\":\"long\",\"field-id\":501},"
      "{\"name\":\"partition_spec_id\",\"type\":\"int\",\"field-id\":502},"
      "{\"name\":\"content\",\"type\":\"int\",\"field-id\":517},"
      "{\"name\":\"sequence_number\",\"type\":\"long\",\"field-id\":515},"
      "{\"name\":\"min_sequence_number\",\"type\":\"long\",\"field-id\":516},"
      "{\"name\":\"added_snapshot_id\",\"type\":\"long\",\"field-id\":503},"
      "{\"name\":\"added_files_count\",\"type\":\"int\",\"field-id\":504},"
      "{\"name\":\"existing_files_count\",\"type\":\"int\",\"field-id\":505},"
      "{\"name\":\"deleted_files_count\",\"type\":\"int\",\"field-id\":506},"
      "{\"name\":\"added_rows_count\",\"type\":\"long\",\"field-id\":512},"
      "{\"name\":\"existing_rows_count\",\"type\":\"long\",\"field-id\":513},"
      "{\"name\":\"deleted_rows_count\",\"type\":\"long\",\"field-id\":514},"
      "{\"name\":\"partitions\",\"type\":[\"null\",{\"type\":\"array\",\"element-id\":508,"
      "\"items\":{\"type\":\"record\",\"name\":\"r508\",\"fields\":["
      "{\"name\":\"contains_null\",\"type\":\"boolean\",\"field-id\":509},"
      "{\"name\":\"contains_nan\",\"type\":[\"null\",\"boolean\"],\"default\":null,"
      "\"field-id\":518},"
      "{\"name\":\"lower_bound\",\"type\":[\"null\",\"bytes\"],\"default\":null,"
      "\"field-id\":510},"
      "{\"name\":\"upper_bound\",\"type\":[\"null\",\"bytes\"],\"default\":null,"
      "\"field-id\":511}]}}],\"default\":null,\"field-id\":507},"
      "{\"name\":\"key_metadata\",\"type\":[\"null\",\"bytes\"],\"default\":null,"
      "\"field-id\":519}"
      "]}";
  return kSchema;
}

void OptionalLong(avro::Encoder& e, const std::optional<int64_t>& v) {
  if (!v) {
    e.UnionBranch(0);
    return;
  }
  e.UnionBranch(1);
  e.Long(*v);
}

// Writes map<int, long> field SELECT of each metric (branch 1 of ["null", map]).
template <typename Select>
void LongMap(avro::Encoder& e, const std::vector<ColumnMetrics>& metrics, Select select) {
  e.UnionBranch(1);
  e.BlockStart(static_cast<int64_t>(metrics.size()));
  for (const ColumnMetrics& m : metrics) {
    e.Int(m.field_id);
    e.Long(select(m));
  }
  e.EndBlocks();
}

void BoundMap(avro::Encoder& e, const std::vector<ColumnMetrics>& metrics, bool upper) {
  int64_t n = 0;
  for (const ColumnMetrics& m : metrics) n += (upper ? m.upper : m.lower).has_value();
  e.UnionBranch(1);
  e.BlockStart(n);
  for (const ColumnMetrics& m : metrics) {
    const auto& bound = upper ? m.upper : m.lower;
    if (!bound) continue;
    e.Int(m.field_id);
    e.Bytes(*bound);
  }
  e.EndBlocks();
}

void EncodeEntry(avro::Encoder& e, const ManifestEntry& entry) {
  e.Int(static_cast<int>(entry.status));
  OptionalLong(e, entry.snapshot_id);
  OptionalLong(e, entry.sequence_number);
  OptionalLong(e, entry.file_sequence_number);
  const DataFileInfo& f = entry.file;
  e.Int(f.content);
  e.String(f.file_path);
  e.String(f.file_format);
  // partition: an empty record encodes as nothing
  e.Long(f.record_count);
  e.Long(f.file_size_in_bytes);
  LongMap(e, f.metrics, [](const ColumnMetrics& m) { return m.column_size; });
  LongMap(e, f.metrics, [](const ColumnMetrics& m) { return m.value_count; });
  LongMap(e, f.metrics, [](const ColumnMetrics& m) { return m.null_count; });
  e.UnionBranch(0);  // nan_value_counts: not tracked
  BoundMap(e, f.metrics, false);
  BoundMap(e, f.metrics, true);
  e.UnionBranch(0);  // key_metadata
  e.UnionBranch(0);  // split_offsets
  e.UnionBranch(0);  // equality_ids
  e.UnionBranch(0);  // sort_order_id
}

// Reads an int-keyed map (array of key/value records) into METRICS, creating entries as needed.
template <typename Store>
Status ReadIntMap(const avro::Value& record, const char* name, Store store) {
  std::optional<avro::Value> map = record.OptionalField(name);
  if (!map) return Status::OK();
  STEDI_ASSIGN_OR_RETURN(size_t n, map->ArraySize());
  for (size_t i = 0; i < n; ++i) {
    STEDI_ASSIGN_OR_RETURN(avro::Value item, map->ArrayItem(i));
    STEDI_ASSIGN_OR_RETURN(avro::Value key, item.Field("key"));
    STEDI_ASSIGN_OR_RETURN(int64_t id, key.AsLong());
    STEDI_ASSIGN_OR_RETURN(avro::Value value, item.Field("value"));
    STEDI_RETURN_NOT_OK(store(static_cast<int>(id), value));
  }
  return Status::OK();
}

ColumnMetrics& MetricsFor(std::vector<ColumnMetrics>& metrics, int field_id) {
  for (ColumnMetrics& m : metrics) {
    if (m.field_id == field_id) return m;
  }
  metrics.push_back(ColumnMetrics{field_id, 0, 0, 0, std::nullopt, std::nullopt});
  return metrics.back();
}

Result<int64_t> LongField(const avro::Value& record, const char* name) {
  STEDI_ASSIGN_OR_RETURN(avro::Value v, record.Field(name));
  return v.AsLong();
}

// Reads the first of NAMES present (format v1 and v2 spell some counts differently).
Result<int64_t> LongFieldOf(const avro::Value& record, std::initializer_list<const char*> names,
                            int64_t fallback) {
  for (const char* name : names) {
    if (auto v = record.OptionalField(name)) return v->AsLong();
  }
  return fallback;
}

}  // namespace

Result<ManifestFile> WriteManifest(FileSystem& fs, const std::string& path, const std::string& uri,
                                   const ManifestContext& context,
                                   const std::vector<ManifestEntry>& entries) {
  STEDI_ASSIGN_OR_RETURN(auto out, fs.OpenForWrite(path, SyncMode::kDeferred));
  STEDI_ASSIGN_OR_RETURN(auto writer,
                         avro::ContainerWriter::Open(
                             std::move(out), ManifestEntrySchema(),
                             {{"schema", SchemaToIcebergJson(context.schema, context.schema_id)},
                              {"schema-id", std::to_string(context.schema_id)},
                              {"partition-spec", "[]"},
                              {"partition-spec-id", "0"},
                              {"format-version", "2"},
                              {"content", "data"}}));
  ManifestFile manifest;
  manifest.manifest_path = uri;
  manifest.sequence_number = context.sequence_number;
  manifest.min_sequence_number = context.sequence_number;
  manifest.added_snapshot_id = context.snapshot_id;
  for (const ManifestEntry& entry : entries) {
    EncodeEntry(writer->record(), entry);
    STEDI_RETURN_NOT_OK(writer->EndRecord());
    int64_t rows = entry.file.record_count;
    switch (entry.status) {
      case EntryStatus::kAdded:
        ++manifest.added_files_count;
        manifest.added_rows_count += rows;
        break;
      case EntryStatus::kExisting:
        ++manifest.existing_files_count;
        manifest.existing_rows_count += rows;
        break;
      case EntryStatus::kDeleted:
        ++manifest.deleted_files_count;
        manifest.deleted_rows_count += rows;
        break;
    }
    if (entry.status != EntryStatus::kDeleted && entry.sequence_number) {
      manifest.min_sequence_number = std::min(manifest.min_sequence_number, *entry.sequence_number);
    }
  }
  STEDI_ASSIGN_OR_RETURN(uint64_t length, writer->Close());
  manifest.manifest_length = static_cast<int64_t>(length);
  return manifest;
}

Status WriteManifestList(FileSystem& fs, const std::string& path, int64_t snapshot_id,
                         std::optional<int64_t> parent_snapshot_id, int64_t sequence_number,
                         const std::vector<ManifestFile>& manifests) {
  STEDI_ASSIGN_OR_RETURN(auto out, fs.OpenForWrite(path, SyncMode::kDeferred));
  STEDI_ASSIGN_OR_RETURN(
      auto writer,
      avro::ContainerWriter::Open(
          std::move(out), ManifestFileSchema(),
          {{"snapshot-id", std::to_string(snapshot_id)},
           {"parent-snapshot-id",
            parent_snapshot_id ? std::to_string(*parent_snapshot_id) : std::string("null")},
           {"sequence-number", std::to_string(sequence_number)},
           {"format-version", "2"}}));
  for (const ManifestFile& m : manifests) {
    avro::Encoder& e = writer->record();
    e.String(m.manifest_path);
    e.Long(m.manifest_length);
    e.Int(m.partition_spec_id);
    e.Int(m.content);
    e.Long(m.sequence_number);
    e.Long(m.min_sequence_number);
    e.Long(m.added_snapshot_id);
    e.Long(m.added_files_count);
    e.Long(m.existing_files_count);
    e.Long(m.deleted_files_count);
    e.Long(m.added_rows_count);
    e.Long(m.existing_rows_count);
    e.Long(m.deleted_rows_count);
    e.UnionBranch(0);  // partitions: unpartitioned
    e.UnionBranch(0);  // key_metadata
    STEDI_RETURN_NOT_OK(writer->EndRecord());
  }
  return writer->Close().status();
}

Result<std::vector<ManifestFile>> ReadManifestList(FileSystem& fs, const std::string& path) {
  STEDI_ASSIGN_OR_RETURN(auto reader, avro::ContainerReader::Open(fs, path));
  std::vector<ManifestFile> out;
  while (true) {
    STEDI_ASSIGN_OR_RETURN(std::optional<avro::Value> record, reader->Next());
    if (!record) break;
    ManifestFile m;
    STEDI_ASSIGN_OR_RETURN(avro::Value manifest_path, record->Field("manifest_path"));
    STEDI_ASSIGN_OR_RETURN(m.manifest_path, manifest_path.AsBytes());
    STEDI_ASSIGN_OR_RETURN(m.manifest_length, LongField(*record, "manifest_length"));
    STEDI_ASSIGN_OR_RETURN(int64_t spec, LongField(*record, "partition_spec_id"));
    m.partition_spec_id = static_cast<int>(spec);
    STEDI_ASSIGN_OR_RETURN(int64_t content, LongFieldOf(*record, {"content"}, 0));
    m.content = static_cast<int>(content);
    STEDI_ASSIGN_OR_RETURN(m.sequence_number, LongFieldOf(*record, {"sequence_number"}, 0));
    STEDI_ASSIGN_OR_RETURN(m.min_sequence_number, LongFieldOf(*record, {"min_sequence_number"}, 0));
    STEDI_ASSIGN_OR_RETURN(m.added_snapshot_id, LongFieldOf(*record, {"added_snapshot_id"}, 0));
    STEDI_ASSIGN_OR_RETURN(
        m.added_files_count,
        LongFieldOf(*record, {"added_files_count", "added_data_files_count"}, 0));
    STEDI_ASSIGN_OR_RETURN(
        m.existing_files_count,
        LongFieldOf(*record, {"existing_files_count", "existing_data_files_count"}, 0));
    STEDI_ASSIGN_OR_RETURN(
        m.deleted_files_count,
        LongFieldOf(*record, {"deleted_files_count", "deleted_data_files_count"}, 0));
    STEDI_ASSIGN_OR_RETURN(m.added_rows_count, LongFieldOf(*record, {"added_rows_count"}, 0));
    STEDI_ASSIGN_OR_RETURN(m.existing_rows_count, LongFieldOf(*record, {"existing_rows_count"}, 0));
    STEDI_ASSIGN_OR_RETURN(m.deleted_rows_count, LongFieldOf(*record, {"deleted_rows_count"}, 0));
    out.push_back(std::move(m));
  }
  return out;
}

Result<std::vector<ManifestEntry>> ReadManifest(FileSystem& fs, const std::string& path,
                                                const ManifestFile& manifest) {
  STEDI_ASSIGN_OR_RETURN(auto reader, avro::ContainerReader::Open(fs, path));
  std::vector<ManifestEntry> out;
  while (true) {
    STEDI_ASSIGN_OR_RETURN(std::optional<avro::Value> record, reader->Next());
    if (!record) break;
    ManifestEntry entry;
    STEDI_ASSIGN_OR_RETURN(int64_t status, LongField(*record, "status"));
    if (status < 0 || status > 2) {
      return Status::Corruption(path + ": manifest entry status " + std::to_string(status));
    }
    entry.status = static_cast<EntryStatus>(status);
    auto optional_long = [&](const char* name) -> Result<std::optional<int64_t>> {
      std::optional<avro::Value> v = record->OptionalField(name);
      if (!v) return std::optional<int64_t>();
      STEDI_ASSIGN_OR_RETURN(int64_t x, v->AsLong());
      return std::optional<int64_t>(x);
    };
    STEDI_ASSIGN_OR_RETURN(entry.snapshot_id, optional_long("snapshot_id"));
    STEDI_ASSIGN_OR_RETURN(entry.sequence_number, optional_long("sequence_number"));
    STEDI_ASSIGN_OR_RETURN(entry.file_sequence_number, optional_long("file_sequence_number"));
    // Inheritance (spec, "Sequence Number Inheritance"): null means "the manifest's".
    if (!entry.snapshot_id) entry.snapshot_id = manifest.added_snapshot_id;
    if (!entry.sequence_number && entry.status == EntryStatus::kAdded) {
      entry.sequence_number = manifest.sequence_number;
    }
    if (!entry.file_sequence_number && entry.status == EntryStatus::kAdded) {
      entry.file_sequence_number = manifest.sequence_number;
    }
    STEDI_ASSIGN_OR_RETURN(avro::Value file, record->Field("data_file"));
    DataFileInfo& f = entry.file;
    STEDI_ASSIGN_OR_RETURN(int64_t content, LongFieldOf(file, {"content"}, 0));
    f.content = static_cast<int>(content);
    STEDI_ASSIGN_OR_RETURN(avro::Value file_path, file.Field("file_path"));
    STEDI_ASSIGN_OR_RETURN(f.file_path, file_path.AsBytes());
    STEDI_ASSIGN_OR_RETURN(avro::Value format, file.Field("file_format"));
    STEDI_ASSIGN_OR_RETURN(f.file_format, format.AsBytes());
    STEDI_ASSIGN_OR_RETURN(f.record_count, LongField(file, "record_count"));
    STEDI_ASSIGN_OR_RETURN(f.file_size_in_bytes, LongField(file, "file_size_in_bytes"));
    auto store_long = [&f](int64_t ColumnMetrics::*member) {
      return [&f, member](int id, const avro::Value& v) -> Status {
        STEDI_ASSIGN_OR_RETURN(int64_t x, v.AsLong());
        MetricsFor(f.metrics, id).*member = x;
        return Status::OK();
      };
    };
    auto store_bound = [&f](std::optional<std::string> ColumnMetrics::*member) {
      return [&f, member](int id, const avro::Value& v) -> Status {
        STEDI_ASSIGN_OR_RETURN(std::string x, v.AsBytes());
        MetricsFor(f.metrics, id).*member = std::move(x);
        return Status::OK();
      };
    };
    STEDI_RETURN_NOT_OK(ReadIntMap(file, "column_sizes", store_long(&ColumnMetrics::column_size)));
    STEDI_RETURN_NOT_OK(ReadIntMap(file, "value_counts", store_long(&ColumnMetrics::value_count)));
    STEDI_RETURN_NOT_OK(
        ReadIntMap(file, "null_value_counts", store_long(&ColumnMetrics::null_count)));
    STEDI_RETURN_NOT_OK(ReadIntMap(file, "lower_bounds", store_bound(&ColumnMetrics::lower)));
    STEDI_RETURN_NOT_OK(ReadIntMap(file, "upper_bounds", store_bound(&ColumnMetrics::upper)));
    std::sort(
        f.metrics.begin(), f.metrics.end(),
        [](const ColumnMetrics& a, const ColumnMetrics& b) { return a.field_id < b.field_id; });
    out.push_back(std::move(entry));
  }
  return out;
}

}  // namespace stedi::iceberg
