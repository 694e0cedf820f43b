#pragma once

#include <ostream>
#include <string>
#include <string_view>
#include <vector>

#include "cli/sql_session.h"
#include "status/result.h"

namespace stedi {

/// Splits SCRIPT into its statements with the SQL parser (so ';' inside strings and comments
/// does not split). Each statement keeps its place in the script: the text before it is
/// blanked (newlines kept), so "line L, column C" in an error points into SCRIPT itself.
/// A script of only blanks and comments has no statements.
Result<std::vector<std::string>> SplitSqlStatements(std::string_view script);

/// Runs every statement of SCRIPT in SESSION, writing results to OUT (and timings to ERR),
/// and stops at the first error, which it returns.
Status RunSqlScript(SqlSession& session, std::string_view script, std::ostream& out,
                    std::ostream& err);

}  // namespace stedi
