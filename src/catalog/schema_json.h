#pragma once

#include <string>
#include <string_view>

#include "columnar/schema.h"
#include "status/result.h"

namespace stedi {

/// Returns SCHEMA as a JSON array, one object per field in order:
/// [{"name":"x","type":"bigint","nullable":true,"field_id":1}, ...]. Types use TypeName.
std::string SchemaToJson(const Schema& schema);

/// Parses the JSON written by SchemaToJson; Corruption says what is wrong and where.
Result<Schema> SchemaFromJson(std::string_view json);

}  // namespace stedi
