#pragma once

#include "cli/sql_session.h"

namespace stedi {

/// Runs the interactive SQL shell on the terminal until .quit, .exit or end of input (Ctrl-D):
/// prompt "stedi> ", continuation prompt "   ...> " until a statement ends with ';', line
/// editing and history (kept in ~/.stedi_history) by libedit, and the dot-commands of .help.
/// Errors are printed and the shell goes on. Returns the process exit code (0).
int RunSqlShell(SqlSession& session);

}  // namespace stedi
