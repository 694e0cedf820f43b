#include "cli/sql_shell.h"

#include <editline/readline.h>

#include <cstdlib>
#include <iostream>
#include <sstream>
#include <string>
#include <vector>

#include "cli/commands.h"
#include "cli/sql_script.h"

namespace stedi {
namespace {

constexpr const char* kPrompt = "stedi> ";
constexpr const char* kContinuationPrompt = "   ...> ";
constexpr int kHistoryLines = 1000;

constexpr const char* kHelp =
    "Enter SQL ending with ';' (one SELECT at a time; the lake is read-only), or:\n"
    "  .tables              list the tables with their zone and row count\n"
    "  .schema TABLE        show the columns and types of TABLE\n"
    "  .mode table|csv|json how results are printed\n"
    "  .timer on|off        print each query's run time\n"
    "  .help                show this text\n"
    "  .quit or .exit       leave (Ctrl-D too)\n";

std::string Trimmed(std::string_view s) {
  const size_t begin = s.find_first_not_of(" \t\r\n");
  if (begin == std::string_view::npos) return "";
  const size_t end = s.find_last_not_of(" \t\r\n");
  return std::string(s.substr(begin, end - begin + 1));
}

std::vector<std::string> Words(const std::string& line) {
  std::istringstream in(line);
  std::vector<std::string> words;
  for (std::string w; in >> w;) words.push_back(w);
  return words;
}

// Returns ~/.stedi_history, or "" when there is no home folder to keep it in.
std::string HistoryPath() {
  const char* home = std::getenv("HOME");
  if (home == nullptr || *home == '\0') return "";
  return std::string(home) + "/.stedi_history";
}

Status ShowTables(SqlSession& session) {
  STEDI_ASSIGN_OR_RETURN(std::vector<TableEntry> tables, session.catalog().ListTables());
  TextTable out;
  out.columns = {"table", "zone", "rows"};
  out.numeric = {false, false, true};
  for (const TableEntry& t : tables) {
    out.rows.push_back({t.name, std::string(ZoneName(t.zone)), std::to_string(t.rows)});
  }
  PrintTable(out, session.settings().format, std::cout);
  return Status::OK();
}

Status ShowSchema(SqlSession& session, const std::string& table) {
  STEDI_ASSIGN_OR_RETURN(TableEntry entry, session.catalog().GetTable(table));
  TextTable out;
  out.columns = {"column", "type", "nullable"};
  out.numeric = {false, false, false};
  for (const Field& f : entry.schema.fields()) {
    out.rows.push_back({f.name, std::string(TypeName(f.type)), f.nullable ? "yes" : "no"});
  }
  PrintTable(out, session.settings().format, std::cout);
  return Status::OK();
}

enum class ShellAction { kContinue, kQuit };

// Runs one dot-command line; an unknown command or a bad argument is an error, not a quit.
Result<ShellAction> RunDotCommand(SqlSession& session, const std::string& line) {
  const std::vector<std::string> words = Words(line);
  const std::string& command = words[0];
  if (command == ".quit" || command == ".exit") return ShellAction::kQuit;
  if (command == ".help") {
    std::cout << kHelp;
  } else if (command == ".tables") {
    STEDI_RETURN_NOT_OK(ShowTables(session));
  } else if (command == ".schema") {
    if (words.size() != 2) return Status::Invalid("usage: .schema TABLE");
    STEDI_RETURN_NOT_OK(ShowSchema(session, words[1]));
  } else if (command == ".mode") {
    if (words.size() != 2) return Status::Invalid("usage: .mode table|csv|json");
    STEDI_ASSIGN_OR_RETURN(session.settings().format, ParseOutputFormat(words[1]));
  } else if (command == ".timer") {
    if (words.size() != 2 || (words[1] != "on" && words[1] != "off")) {
      return Status::Invalid("usage: .timer on|off");
    }
    session.settings().timer = words[1] == "on";
  } else {
    return Status::Invalid("unknown command " + command + "; .help lists the commands");
  }
  return ShellAction::kContinue;
}

}  // namespace

int RunSqlShell(SqlSession& session) {
  const std::string history = HistoryPath();
  using_history();
  stifle_history(kHistoryLines);
  if (!history.empty()) read_history(history.c_str());  // a missing file is a first run

  std::cout << "stedi SQL shell on database " << session.catalog().database()
            << "; .help for help, .quit to leave\n";
  std::string buffer;  // lines of a statement not yet ended by ';'
  while (true) {
    char* raw = readline(buffer.empty() ? kPrompt : kContinuationPrompt);
    if (raw == nullptr) {  // Ctrl-D
      std::cout << "\n";
      break;
    }
    std::string line(raw);
    std::free(raw);
    const std::string trimmed = Trimmed(line);
    if (trimmed.empty() && buffer.empty()) continue;
    add_history(line.c_str());

    if (buffer.empty() && trimmed[0] == '.') {
      Result<ShellAction> action = RunDotCommand(session, trimmed);
      if (!action.ok()) {
        ReportFailure(action.status());
      } else if (*action == ShellAction::kQuit) {
        break;
      }
      continue;
    }
    buffer += line;
    buffer += '\n';
    if (trimmed.back() != ';') continue;
    Status run = RunSqlScript(session, buffer, std::cout, std::cerr);
    std::cout.flush();
    if (!run.ok()) ReportFailure(run);
    buffer.clear();
  }
  if (!history.empty()) write_history(history.c_str());
  return kExitOk;
}

}  // namespace stedi
