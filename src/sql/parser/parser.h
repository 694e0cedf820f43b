#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "sql/parser/ast.h"
#include "status/result.h"

namespace stedi::sql {

/// Parses SQL (one or more statements separated by ';', a trailing ';' allowed) with
/// libpg_query and converts the tree to ParsedStatements.
///
/// Athena-isms handled here: `FOR VERSION AS OF <n>` and `FOR TIMESTAMP AS OF TIMESTAMP '...'`
/// after a table name are cut out before parsing (replaced by spaces, so every offset stays
/// valid) and attached to that TableRef; the keyword USER (a SQLValueFunction to PostgreSQL) is
/// returned as a column reference named "user"; a bare `timestamp` used as a column name is
/// accepted the same way.
///
/// Errors are Invalid with the message "syntax error at or near \"x\" at line L, column C";
/// constructs that parse but are outside our scope (explicit window frames, GROUPING SETS,
/// LATERAL, VALUES, ...) are NotImplemented naming the construct and its line and column.
Result<std::vector<ParsedStatement>> ParseSql(std::string_view sql);

/// Returns "line L, column C" (1-based, columns in characters) for byte OFFSET of SQL, or
/// "end of input" when OFFSET is past the end; "unknown position" when negative.
std::string DescribePosition(std::string_view sql, int offset);

}  // namespace stedi::sql
