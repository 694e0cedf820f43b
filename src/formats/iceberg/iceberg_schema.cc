#include "formats/iceberg/iceberg_schema.h"

#include <algorithm>

#include "formats/json/json_text.h"

namespace stedi::iceberg {

std::string_view IcebergTypeName(TypeId type) {
  switch (type) {
    case TypeId::kBoolean:
      return "boolean";
    case TypeId::kInt32:
      return "int";
    case TypeId::kInt64:
      return "long";
    case TypeId::kFloat64:
      return "double";
    case TypeId::kString:
      return "string";
    case TypeId::kBinary:
      return "binary";
    case TypeId::kDate:
      return "date";
    case TypeId::kTimestamp:
      return "timestamptz";
  }
  return "string";
}

Result<TypeId> TypeFromIcebergName(std::string_view name) {
  if (name == "boolean") return TypeId::kBoolean;
  if (name == "int") return TypeId::kInt32;
  if (name == "long") return TypeId::kInt64;
  if (name == "double") return TypeId::kFloat64;
  if (name == "float") return TypeId::kFloat64;  // read widened: Parquet FLOAT decodes as double
  if (name == "string") return TypeId::kString;
  if (name == "binary") return TypeId::kBinary;
  if (name == "date") return TypeId::kDate;
  if (name == "timestamptz" || name == "timestamp") return TypeId::kTimestamp;
  return Status::NotImplemented("Iceberg type '" + std::string(name) + "' is not supported yet");
}

std::string SchemaToIcebergJson(const Schema& schema, int schema_id) {
  std::string out =
      "{\"type\":\"struct\",\"schema-id\":" + std::to_string(schema_id) + ",\"fields\":[";
  for (size_t i = 0; i < schema.num_fields(); ++i) {
    const Field& f = schema.field(i);
    if (i > 0) out += ',';
    out += "{\"id\":" + std::to_string(f.field_id) + ",\"name\":";
    json::AppendJsonString(f.name, &out);
    out += f.nullable ? ",\"required\":false,\"type\":\"" : ",\"required\":true,\"type\":\"";
    out += IcebergTypeName(f.type);
    out += "\"}";
  }
  out += "]}";
  return out;
}

int MaxFieldId(const Schema& schema) {
  int max = 0;
  for (const Field& f : schema.fields()) max = std::max(max, f.field_id);
  return max;
}

}  // namespace stedi::iceberg
