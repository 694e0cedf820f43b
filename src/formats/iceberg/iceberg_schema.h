#pragma once

#include <string>
#include <string_view>

#include "columnar/schema.h"
#include "status/result.h"

namespace stedi::iceberg {

/// Iceberg's primitive type for TYPE: boolean, int, long, double, string, binary, date, and
/// timestamptz (our timestamps are UTC instants, and Parquet files mark them UTC-adjusted).
std::string_view IcebergTypeName(TypeId type);

/// The column type for Iceberg primitive NAME. timestamp (without zone) reads as UTC.
/// float reads as double (the widening Iceberg allows). NotImplemented names the type for what
/// we cannot hold yet (decimal, uuid, time, fixed, nested).
Result<TypeId> TypeFromIcebergName(std::string_view name);

/// SCHEMA as an Iceberg schema object:
/// {"type":"struct","schema-id":ID,"fields":[{"id":1,"name":"x","required":false,"type":"long"}]}
std::string SchemaToIcebergJson(const Schema& schema, int schema_id);

/// The largest field id in SCHEMA (0 for none).
int MaxFieldId(const Schema& schema);

}  // namespace stedi::iceberg
