#include "formats/iceberg/table_metadata.h"

#include <simdjson.h>

#include <algorithm>
#include <charconv>

#include "formats/iceberg/iceberg_schema.h"
#include "formats/json/json_text.h"

namespace stedi::iceberg {

using json::AppendJsonString;

std::string Snapshot::operation() const {
  auto it = summary.find("operation");
  return it == summary.end() ? std::string() : it->second;
}

namespace {

std::optional<int64_t> SummaryNumber(const std::map<std::string, std::string>& summary,
                                     const char* key) {
  auto it = summary.find(key);
  if (it == summary.end()) return std::nullopt;
  int64_t v = 0;
  auto [end, ec] = std::from_chars(it->second.data(), it->second.data() + it->second.size(), v);
  if (ec != std::errc() || end != it->second.data() + it->second.size()) return std::nullopt;
  return v;
}

}  // namespace

std::optional<int64_t> Snapshot::total_records() const {
  return SummaryNumber(summary, "total-records");
}

std::optional<int64_t> Snapshot::total_data_files() const {
  return SummaryNumber(summary, "total-data-files");
}

const Schema* TableMetadata::schema(int schema_id) const {
  for (const auto& [id, s] : schemas) {
    if (id == schema_id) return &s;
  }
  return nullptr;
}

const Schema* TableMetadata::current_schema() const { return schema(current_schema_id); }

const Snapshot* TableMetadata::FindSnapshot(int64_t snapshot_id) const {
  for (const Snapshot& s : snapshots) {
    if (s.snapshot_id == snapshot_id) return &s;
  }
  return nullptr;
}

const Snapshot* TableMetadata::current_snapshot() const {
  return current_snapshot_id ? FindSnapshot(*current_snapshot_id) : nullptr;
}

namespace {

void AppendStringMap(const std::map<std::string, std::string>& map, std::string* out) {
  out->push_back('{');
  bool first = true;
  for (const auto& [k, v] : map) {
    if (!first) out->push_back(',');
    first = false;
    AppendJsonString(k, out);
    out->push_back(':');
    AppendJsonString(v, out);
  }
  out->push_back('}');
}

}  // namespace

std::string TableMetadataToJson(const TableMetadata& m) {
  std::string out = "{\"format-version\":" + std::to_string(m.format_version);
  out += ",\"table-uuid\":";
  AppendJsonString(m.table_uuid, &out);
  out += ",\"location\":";
  AppendJsonString(m.location, &out);
  out += ",\"last-sequence-number\":" + std::to_string(m.last_sequence_number);
  out += ",\"last-updated-ms\":" + std::to_string(m.last_updated_ms);
  out += ",\"last-column-id\":" + std::to_string(m.last_column_id);
  out += ",\"current-schema-id\":" + std::to_string(m.current_schema_id);
  out += ",\"schemas\":[";
  for (size_t i = 0; i < m.schemas.size(); ++i) {
    if (i > 0) out += ',';
    out += SchemaToIcebergJson(m.schemas[i].second, m.schemas[i].first);
  }
  out += "],\"default-spec-id\":" + std::to_string(m.default_spec_id);
  out += ",\"partition-specs\":" + m.partition_specs_json;
  out += ",\"last-partition-id\":" + std::to_string(m.last_partition_id);
  out += ",\"default-sort-order-id\":" + std::to_string(m.default_sort_order_id);
  out += ",\"sort-orders\":" + m.sort_orders_json;
  out += ",\"properties\":";
  AppendStringMap(m.properties, &out);
  out += ",\"current-snapshot-id\":" +
         (m.current_snapshot_id ? std::to_string(*m.current_snapshot_id) : std::string("-1"));
  out += ",\"refs\":{";
  if (m.current_snapshot_id) {
    out += "\"main\":{\"snapshot-id\":" + std::to_string(*m.current_snapshot_id) +
           ",\"type\":\"branch\"}";
  }
  out += "},\"snapshots\":[";
  for (size_t i = 0; i < m.snapshots.size(); ++i) {
    const Snapshot& s = m.snapshots[i];
    if (i > 0) out += ',';
    out += "{\"snapshot-id\":" + std::to_string(s.snapshot_id);
    if (s.parent_snapshot_id) {
      out += ",\"parent-snapshot-id\":" + std::to_string(*s.parent_snapshot_id);
    }
    out += ",\"sequence-number\":" + std::to_string(s.sequence_number);
    out += ",\"timestamp-ms\":" + std::to_string(s.timestamp_ms);
    out += ",\"manifest-list\":";
    AppendJsonString(s.manifest_list, &out);
    out += ",\"summary\":";
    AppendStringMap(s.summary, &out);
    if (s.schema_id) out += ",\"schema-id\":" + std::to_string(*s.schema_id);
    out += '}';
  }
  out += "],\"snapshot-log\":[";
  for (size_t i = 0; i < m.snapshot_log.size(); ++i) {
    if (i > 0) out += ',';
    out += "{\"timestamp-ms\":" + std::to_string(m.snapshot_log[i].timestamp_ms) +
           ",\"snapshot-id\":" + std::to_string(m.snapshot_log[i].snapshot_id) + "}";
  }
  out += "],\"metadata-log\":[";
  for (size_t i = 0; i < m.metadata_log.size(); ++i) {
    if (i > 0) out += ',';
    out += "{\"timestamp-ms\":" + std::to_string(m.metadata_log[i].timestamp_ms) +
           ",\"metadata-file\":";
    AppendJsonString(m.metadata_log[i].metadata_file, &out);
    out += '}';
  }
  out += "]}";
  return out;
}

namespace {

using simdjson::dom::element;
using simdjson::dom::object;

class MetadataParser {
 public:
  explicit MetadataParser(const std::string& where) : where_(where) {}

  Status Fail(const std::string& what) const {
    return Status::Corruption(where_ + ": Iceberg table metadata: " + what);
  }

  Result<int64_t> Int(const object& o, std::string_view key, const std::string& context) const {
    int64_t v = 0;
    if (o[key].get_int64().get(v)) {
      return Fail(context + " has no integer \"" + std::string(key) + "\"");
    }
    return v;
  }

  std::optional<int64_t> OptionalInt(const object& o, std::string_view key) const {
    int64_t v = 0;
    if (o[key].get_int64().get(v)) return std::nullopt;
    return v;
  }

  Result<std::string> String(const object& o, std::string_view key,
                             const std::string& context) const {
    std::string_view v;
    if (o[key].get_string().get(v)) {
      return Fail(context + " has no string \"" + std::string(key) + "\"");
    }
    return std::string(v);
  }

  Result<Schema> ParseSchema(const object& o, const std::string& context) const {
    simdjson::dom::array fields;
    if (o["fields"].get_array().get(fields)) return Fail(context + " has no \"fields\" array");
    std::vector<Field> out;
    for (element item : fields) {
      object f;
      if (item.get_object().get(f)) return Fail(context + ": a field is not an object");
      STEDI_ASSIGN_OR_RETURN(int64_t id, Int(f, "id", context + " field"));
      STEDI_ASSIGN_OR_RETURN(std::string name, String(f, "name", context + " field"));
      bool required = false;
      if (f["required"].get_bool().get(required)) {
        std::string message = context;
        message += " field " + name;
        message += " has no boolean \"required\"";
        return Fail(message);
      }
      std::string_view type_name;
      if (f["type"].get_string().get(type_name)) {
        return Status::NotImplemented(where_ + ": column " + name +
                                      " has a nested type, not supported yet");
      }
      auto type = TypeFromIcebergName(type_name);
      if (!type.ok()) return type.status().WithContext(where_ + ": column " + name);
      out.push_back(Field{name, *type, !required, static_cast<int>(id)});
    }
    return Schema(std::move(out));
  }

  std::map<std::string, std::string> StringMap(const object& o, std::string_view key) const {
    std::map<std::string, std::string> out;
    object map;
    if (o[key].get_object().get(map)) return out;
    for (auto [k, v] : map) {
      std::string_view s;
      if (!v.get_string().get(s)) {
        out[std::string(k)] = std::string(s);
      } else {
        out[std::string(k)] = simdjson::minify(v);
      }
    }
    return out;
  }

 private:
  const std::string& where_;
};

}  // namespace

Result<TableMetadata> ParseTableMetadata(std::string_view json, const std::string& where) {
  simdjson::dom::parser parser;
  element doc;
  if (auto error = parser.parse(json.data(), json.size()).get(doc)) {
    return Status::Corruption(where + ": not valid JSON: " + simdjson::error_message(error));
  }
  MetadataParser p(where);
  object root;
  if (doc.get_object().get(root)) return p.Fail("the document is not an object");
  TableMetadata m;
  STEDI_ASSIGN_OR_RETURN(int64_t version, p.Int(root, "format-version", "the table"));
  if (version < 1 || version > 2) {
    return Status::NotImplemented(where + ": Iceberg format version " + std::to_string(version) +
                                  " is not supported (1 and 2 are)");
  }
  m.format_version = static_cast<int>(version);
  if (auto uuid = p.String(root, "table-uuid", "the table"); uuid.ok()) m.table_uuid = *uuid;
  STEDI_ASSIGN_OR_RETURN(m.location, p.String(root, "location", "the table"));
  m.last_sequence_number = p.OptionalInt(root, "last-sequence-number").value_or(0);
  m.last_updated_ms = p.OptionalInt(root, "last-updated-ms").value_or(0);
  m.last_column_id = static_cast<int>(p.OptionalInt(root, "last-column-id").value_or(0));

  simdjson::dom::array schemas;
  if (!root["schemas"].get_array().get(schemas)) {
    for (element item : schemas) {
      object s;
      if (item.get_object().get(s)) return p.Fail("a schema is not an object");
      int id = static_cast<int>(p.OptionalInt(s, "schema-id").value_or(0));
      STEDI_ASSIGN_OR_RETURN(Schema schema, p.ParseSchema(s, "schema " + std::to_string(id)));
      m.schemas.emplace_back(id, std::move(schema));
    }
    m.current_schema_id = static_cast<int>(p.OptionalInt(root, "current-schema-id").value_or(0));
  } else {
    object s;  // format v1 keeps one "schema"
    if (root["schema"].get_object().get(s)) return p.Fail("no \"schemas\" and no \"schema\"");
    STEDI_ASSIGN_OR_RETURN(Schema schema, p.ParseSchema(s, "schema"));
    int id = static_cast<int>(p.OptionalInt(s, "schema-id").value_or(0));
    m.schemas.emplace_back(id, std::move(schema));
    m.current_schema_id = id;
  }
  if (!m.current_schema()) {
    return p.Fail("current-schema-id " + std::to_string(m.current_schema_id) + " names no schema");
  }
  element specs;
  if (!root["partition-specs"].get(specs)) m.partition_specs_json = simdjson::minify(specs);
  m.default_spec_id = static_cast<int>(p.OptionalInt(root, "default-spec-id").value_or(0));
  m.last_partition_id = static_cast<int>(p.OptionalInt(root, "last-partition-id").value_or(999));
  element orders;
  if (!root["sort-orders"].get(orders)) m.sort_orders_json = simdjson::minify(orders);
  m.default_sort_order_id =
      static_cast<int>(p.OptionalInt(root, "default-sort-order-id").value_or(0));
  m.properties = p.StringMap(root, "properties");

  std::optional<int64_t> current = p.OptionalInt(root, "current-snapshot-id");
  // refs.main wins when present: it is what v2 writers move on commit.
  object refs, main;
  if (!root["refs"].get_object().get(refs) && !refs["main"].get_object().get(main)) {
    current = p.OptionalInt(main, "snapshot-id");
  }
  if (current && *current >= 0) m.current_snapshot_id = current;

  simdjson::dom::array snapshots;
  if (!root["snapshots"].get_array().get(snapshots)) {
    for (element item : snapshots) {
      object s;
      if (item.get_object().get(s)) return p.Fail("a snapshot is not an object");
      Snapshot snap;
      STEDI_ASSIGN_OR_RETURN(snap.snapshot_id, p.Int(s, "snapshot-id", "a snapshot"));
      std::string context = "snapshot " + std::to_string(snap.snapshot_id);
      snap.parent_snapshot_id = p.OptionalInt(s, "parent-snapshot-id");
      snap.sequence_number = p.OptionalInt(s, "sequence-number").value_or(0);
      STEDI_ASSIGN_OR_RETURN(snap.timestamp_ms, p.Int(s, "timestamp-ms", context));
      auto list = p.String(s, "manifest-list", context);
      if (!list.ok()) {
        std::string message = where;
        message += ": " + context;
        message += " has no manifest list (format v1 \"manifests\" are not supported)";
        return Status::NotImplemented(message);
      }
      snap.manifest_list = *list;
      snap.summary = p.StringMap(s, "summary");
      if (auto id = p.OptionalInt(s, "schema-id")) snap.schema_id = static_cast<int>(*id);
      m.snapshots.push_back(std::move(snap));
    }
  }
  if (m.current_snapshot_id && !m.current_snapshot()) {
    return p.Fail("current snapshot " + std::to_string(*m.current_snapshot_id) +
                  " is not in \"snapshots\"");
  }
  simdjson::dom::array log;
  if (!root["snapshot-log"].get_array().get(log)) {
    for (element item : log) {
      object e;
      if (item.get_object().get(e)) continue;
      m.snapshot_log.push_back({p.OptionalInt(e, "timestamp-ms").value_or(0),
                                p.OptionalInt(e, "snapshot-id").value_or(0)});
    }
  }
  if (!root["metadata-log"].get_array().get(log)) {
    for (element item : log) {
      object e;
      std::string_view file;
      if (item.get_object().get(e) || e["metadata-file"].get_string().get(file)) continue;
      m.metadata_log.push_back({p.OptionalInt(e, "timestamp-ms").value_or(0), std::string(file)});
    }
  }
  return m;
}

}  // namespace stedi::iceberg
