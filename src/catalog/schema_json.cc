#include "catalog/schema_json.h"

#include <simdjson.h>

#include <cstdio>

#include "formats/json/json_text.h"

namespace stedi {
using json::AppendJsonString;

std::string SchemaToJson(const Schema& schema) {
  std::string out = "[";
  for (size_t i = 0; i < schema.num_fields(); ++i) {
    const Field& f = schema.field(i);
    if (i > 0) out += ',';
    out += "{\"name\":";
    AppendJsonString(f.name, &out);
    out += ",\"type\":";
    AppendJsonString(TypeName(f.type), &out);
    out += ",\"nullable\":";
    out += f.nullable ? "true" : "false";
    out += ",\"field_id\":";
    out += std::to_string(f.field_id);
    out += '}';
  }
  out += ']';
  return out;
}

Result<Schema> SchemaFromJson(std::string_view json) {
  auto fail = [&](const std::string& what) {
    return Status::Corruption("stored table schema is not valid: " + what + " in " +
                              std::string(json.substr(0, 200)));
  };
  simdjson::dom::parser parser;
  simdjson::padded_string padded(json);
  simdjson::dom::element root;
  if (auto error = parser.parse(padded).get(root)) return fail(simdjson::error_message(error));
  simdjson::dom::array fields_json;
  if (root.get_array().get(fields_json)) return fail("expected a JSON array");
  std::vector<Field> fields;
  size_t index = 0;
  for (simdjson::dom::element item : fields_json) {
    std::string where = "field " + std::to_string(index++);
    std::string_view name, type;
    bool nullable = true;
    int64_t field_id = 0;
    if (item["name"].get_string().get(name)) return fail(where + ": no string \"name\"");
    if (item["type"].get_string().get(type)) return fail(where + ": no string \"type\"");
    if (item["nullable"].get_bool().get(nullable)) return fail(where + ": no bool \"nullable\"");
    if (item["field_id"].get_int64().get(field_id)) {
      return fail(where + ": no integer \"field_id\"");
    }
    std::optional<TypeId> type_id = TypeFromName(type);
    if (!type_id) return fail(where + ": unknown type '" + std::string(type) + "'");
    fields.push_back(Field{std::string(name), *type_id, nullable, static_cast<int>(field_id)});
  }
  return Schema(std::move(fields));
}

}  // namespace stedi
