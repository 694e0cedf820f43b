#pragma once

#include <optional>
#include <ostream>
#include <string>
#include <vector>

#include "status/result.h"

namespace stedi {

enum class OutputFormat { kTable, kCsv, kJson };

/// Parses "table", "csv" or "json".
Result<OutputFormat> ParseOutputFormat(const std::string& name);

/// A result to show the user: column names and rows of already-formatted cells (nullopt = NULL).
/// NUMERIC marks columns printed right-aligned in tables and unquoted in JSON.
struct TextTable {
  std::vector<std::string> columns;
  std::vector<bool> numeric;
  std::vector<std::vector<std::optional<std::string>>> rows;
};

/// Writes TABLE to OUT: an aligned grid (kTable), RFC 4180 CSV with a header row (kCsv), or a
/// JSON array of objects (kJson).
void PrintTable(const TextTable& table, OutputFormat format, std::ostream& out);

}  // namespace stedi
