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

/// How a column's cells are written: kNumber right-aligned in tables and unquoted in JSON,
/// kBoolean unquoted in JSON only, kText quoted in JSON.
enum class CellKind { kText, kNumber, kBoolean };

/// Writes rows as they arrive, in the formats of PrintTable: CSV and JSON rows go to OUT at
/// once, so a result of any size streams through; a table waits for Finish() because its
/// column widths depend on every row.
class StreamingTablePrinter {
 public:
  StreamingTablePrinter(std::vector<std::string> columns, std::vector<CellKind> kinds,
                        OutputFormat format, std::ostream& out);
  /// Writes ROW, one cell per column (nullopt = NULL).
  void AddRow(const std::vector<std::optional<std::string>>& row);
  /// Writes what closes the output (JSON's ']', the table itself); call exactly once.
  void Finish();
  size_t rows() const { return rows_; }

 private:
  void WriteHeaderIfNeeded();

  std::vector<std::string> columns_;
  std::vector<CellKind> kinds_;
  OutputFormat format_;
  std::ostream& out_;
  size_t rows_ = 0;
  bool header_written_ = false;
  TextTable held_;  // kTable only
};

}  // namespace stedi
