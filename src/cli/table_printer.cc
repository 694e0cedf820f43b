#include "cli/table_printer.h"

#include <algorithm>

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
    case OutputFormat::kCsv: {
      for (size_t c = 0; c < n; ++c) out << (c ? "," : "") << CsvCell(table.columns[c]);
      out << "\n";
      for (const auto& row : table.rows) {
        for (size_t c = 0; c < n; ++c) out << (c ? "," : "") << CsvCell(row[c]);
        out << "\n";
      }
      return;
    }
    case OutputFormat::kJson: {
      out << "[";
      for (size_t r = 0; r < table.rows.size(); ++r) {
        out << (r ? ",\n " : "\n ") << "{";
        for (size_t c = 0; c < n; ++c) {
          out << (c ? ", " : "") << JsonString(table.columns[c]) << ": ";
          const auto& cell = table.rows[r][c];
          if (!cell) {
            out << "null";
          } else if (is_numeric(c)) {
            out << *cell;
          } else {
            out << JsonString(*cell);
          }
        }
        out << "}";
      }
      out << (table.rows.empty() ? "]\n" : "\n]\n");
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

}  // namespace stedi
