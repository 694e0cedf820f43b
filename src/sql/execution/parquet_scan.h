#pragma once

#include <memory>
#include <string>
#include <vector>

#include "sql/execution/operator.h"

namespace stedi::sql {

/// Reads COLUMNS (names, case-insensitive) of the Parquet FILES in order, row group by row
/// group, matching columns by name and converting int→bigint and float→double widenings to
/// OUTPUT_SCHEMA's types; a column missing from an older file reads as NULL. Decodes the next
/// row groups on other threads while the current one is consumed.
OperatorPtr MakeParquetScan(std::vector<std::string> files,
                            std::shared_ptr<const Schema> output_schema,
                            const ExecutionContext* context);

}  // namespace stedi::sql
