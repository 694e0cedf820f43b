#pragma once

#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "columnar/batch.h"
#include "sql/execution/operator.h"
#include "sql/table_resolver.h"
#include "status/result.h"

namespace stedi::sql {

/// A planned query, ready to pull batches from.
struct PreparedQuery {
  std::shared_ptr<const Schema> schema;  // output columns, named as the query names them
  OperatorPtr root;
  std::string explain;  // the operator tree, one operator per line, indented
};

/// Parses, binds and plans SQL, which must be exactly one SELECT (a trailing ';' is fine).
/// Statements that would change data are refused (Invalid naming the statement kind and that the
/// engine is read-only); errors name the construct and "line L, column C".
Result<PreparedQuery> PrepareQuery(std::string_view sql, TableResolver* tables,
                                   const ExecutionContext* context);

/// Prepares and runs SQL, returning every output batch.
struct QueryResult {
  std::shared_ptr<const Schema> schema;
  std::vector<Batch> batches;
  size_t num_rows() const;
};
Result<QueryResult> RunQuery(std::string_view sql, TableResolver* tables,
                             const ExecutionContext* context);

/// Returns the tables SQL reads (lower-case, unqualified, without CTE names, each once, in
/// order of first mention); for the pipeline's dependency graph.
Result<std::vector<std::string>> ReferencedTables(std::string_view sql);

}  // namespace stedi::sql
