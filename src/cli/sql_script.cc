#include "cli/sql_script.h"

#include "sql/parser/parser.h"

namespace stedi {
namespace {

// Blanks TEXT but keeps its line breaks and its width in characters (UTF-8 continuation bytes
// are dropped), so positions after it keep their line and column.
std::string Blanked(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (unsigned char c : text) {
    if (c == '\n') {
      out += '\n';
    } else if ((c & 0xC0) != 0x80) {
      out += ' ';
    }
  }
  return out;
}

bool IsBlank(std::string_view text) {
  return text.find_first_not_of(" \t\r\n;") == std::string_view::npos;
}

}  // namespace

Result<std::vector<std::string>> SplitSqlStatements(std::string_view script) {
  std::vector<std::string> statements;
  if (IsBlank(script)) return statements;
  STEDI_ASSIGN_OR_RETURN(std::vector<sql::ParsedStatement> parsed, sql::ParseSql(script));
  for (const sql::ParsedStatement& p : parsed) {
    const size_t begin = std::min(static_cast<size_t>(std::max(p.location, 0)), script.size());
    const size_t length = p.length > 0 ? static_cast<size_t>(p.length) : script.size() - begin;
    std::string_view text = script.substr(begin, length);
    if (IsBlank(text)) continue;
    statements.push_back(Blanked(script.substr(0, begin)) + std::string(text));
  }
  return statements;
}

Status RunSqlScript(SqlSession& session, std::string_view script, std::ostream& out,
                    std::ostream& err) {
  STEDI_ASSIGN_OR_RETURN(std::vector<std::string> statements, SplitSqlStatements(script));
  for (const std::string& statement : statements) {
    STEDI_RETURN_NOT_OK(session.Run(statement, out, err));
  }
  return Status::OK();
}

}  // namespace stedi
