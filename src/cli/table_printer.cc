#include "cli/table_printer.h"

#include <algorithm>
#include <cstdio>

namespace stedi {
namespace {

std::string CsvCell(const std::optional<std::string>& cell) {
  if (!cell) return "";
  const std::string& s = *cell;
  if (s.find_first_of(",\"\r\n") == std::string::npos) return s;
  std::string out = "\"";
  for (char c : s) {
    if (c == '"') out += '"';
    out += c;
  }
  return out + "\"";
}

std::string JsonString(const std::string& s) {
  std::string out = "\"";
  for (unsigned char c : s) {
    switch (c) {
      case '"':
        out += "\\\"";
        break;
      case '\\':
        out += "\\\\";
        break;
      case '\n':
        out += "\\n";
        break;
      case '\r':
        out += "\\r";
        break;
      case '\t':
        out += "\\t";
        break;
      default:
        if (c < 0x20) {
          char buf[8];
          std::snprintf(buf, sizeof(buf), "\\u%04x", c);
          out += buf;
        } else {
          out += static_cast<char>(c);
        }
    }
  }
  return out + "\"";
}

// JSON has no NaN or infinities: such doubles go out as strings rather than broken JSON.
bool IsJsonNumber(const std::string& s) {
  return s != "NaN" && s != "Infinity" && s != "-Infinity";
}

// Counts code points, so UTF-8 names line up in the grid.
size_t DisplayWidth(const std::string& s) {
  size_t n = 0;
  for (unsigned char c : s) n += (c & 0xC0) != 0x80;
  return n;
}

}  // namespace

Result<OutputFormat> ParseOutputFormat(const std::string& name) {
  if (name == "table") return OutputFormat::kTable;
  if (name == "csv") return OutputFormat::kCsv;
  if (name == "json") return OutputFormat::kJson;
  return Status::Invalid("unknown output format '" + name + "' (expected table, csv or json)");
}

void PrintTable(const TextTable& table, OutputFormat format, std::ostream& out) {
  const size_t n = table.columns.size();
  auto is_numeric = [&](size_t c) { return c < table.numeric.size() && table.numeric[c]; };
  switch (format) {
    case OutputFormat::kCsv:
    case OutputFormat::kJson: {
      std::vector<CellKind> kinds(n);
      for (size_t c = 0; c < n; ++c) kinds[c] = is_numeric(c) ? CellKind::kNumber : CellKind::kText;
      StreamingTablePrinter printer(table.columns, std::move(kinds), format, out);
      for (const auto& row : table.rows) printer.AddRow(row);
      printer.Finish();
      return;
    }
    case OutputFormat::kTable: {
      std::vector<size_t> width(n);
      for (size_t c = 0; c < n; ++c) width[c] = DisplayWidth(table.columns[c]);
      for (const auto& row : table.rows) {
        for (size_t c = 0; c < n; ++c) {
          width[c] = std::max(width[c], DisplayWidth(row[c].value_or("NULL")));
        }
      }
      auto cell = [&](size_t c, const std::string& s) {
        std::string pad(width[c] - DisplayWidth(s), ' ');
        out << (c ? " | " : "") << (is_numeric(c) ? pad + s : s + pad);
      };
      for (size_t c = 0; c < n; ++c) cell(c, table.columns[c]);
      out << "\n";
      for (size_t c = 0; c < n; ++c) out << (c ? "-+-" : "") << std::string(width[c], '-');
      out << "\n";
      for (const auto& row : table.rows) {
        for (size_t c = 0; c < n; ++c) cell(c, row[c].value_or("NULL"));
        out << "\n";
      }
      out << "(" << table.rows.size() << (table.rows.size() == 1 ? " row)\n" : " rows)\n");
      return;
    }
  }
}

StreamingTablePrinter::StreamingTablePrinter(std::vector<std::string> columns,
                                             std::vector<CellKind> kinds, OutputFormat format,
                                             std::ostream& out)
    : columns_(std::move(columns)), kinds_(std::move(kinds)), format_(format), out_(out) {
  kinds_.resize(columns_.size(), CellKind::kText);
  if (format_ == OutputFormat::kTable) {
    held_.columns = columns_;
    for (CellKind k : kinds_) held_.numeric.push_back(k == CellKind::kNumber);
  }
}

void StreamingTablePrinter::WriteHeaderIfNeeded() {
  if (header_written_) return;
  header_written_ = true;
  if (format_ == OutputFormat::kCsv) {
    for (size_t c = 0; c < columns_.size(); ++c) out_ << (c ? "," : "") << CsvCell(columns_[c]);
    out_ << "\n";
  } else if (format_ == OutputFormat::kJson) {
    out_ << "[";
  }
}

void StreamingTablePrinter::AddRow(const std::vector<std::optional<std::string>>& row) {
  WriteHeaderIfNeeded();
  const size_t n = columns_.size();
  switch (format_) {
    case OutputFormat::kCsv:
      for (size_t c = 0; c < n; ++c) out_ << (c ? "," : "") << CsvCell(row[c]);
      out_ << "\n";
      break;
    case OutputFormat::kJson:
      out_ << (rows_ ? ",\n " : "\n ") << "{";
      for (size_t c = 0; c < n; ++c) {
        out_ << (c ? ", " : "") << JsonString(columns_[c]) << ": ";
        const auto& cell = row[c];
        if (!cell) {
          out_ << "null";
        } else if (kinds_[c] == CellKind::kText || !IsJsonNumber(*cell)) {
          out_ << JsonString(*cell);
        } else {
          out_ << *cell;
        }
      }
      out_ << "}";
      break;
    case OutputFormat::kTable:
      held_.rows.push_back(row);
      break;
  }
  ++rows_;
}

void StreamingTablePrinter::Finish() {
  WriteHeaderIfNeeded();
  if (format_ == OutputFormat::kJson) out_ << (rows_ == 0 ? "]\n" : "\n]\n");
  if (format_ == OutputFormat::kTable) PrintTable(held_, OutputFormat::kTable, out_);
  out_.flush();
}

}  // namespace stedi
