#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "sql/execution/operator.h"
#include "sql/expression/bound_expression.h"
#include "sql/parser/ast.h"
#include "sql/table_resolver.h"
#include "status/result.h"

namespace stedi::sql {

/// One column visible to name resolution: `qualifier.name` (qualifier = table alias or name).
struct ScopeColumn {
  std::string qualifier;
  std::string name;
  TypeId type = TypeId::kString;
  /// Set on the right-hand copy of a USING column so that an unqualified name is not ambiguous.
  bool hidden_unqualified = false;
  /// For a base table's column: where to count the query's references to it (column pruning).
  std::vector<uint32_t>* usage = nullptr;
  size_t usage_index = 0;
  /// In the second pass of BindPruned: the first pass's count, which `usage` then counts up to.
  const std::vector<uint32_t>* total_usage = nullptr;

  void MarkUsed() const {
    if (usage != nullptr) ++(*usage)[usage_index];
  }
  /// Whether every reference the query makes to this column has been bound: nothing bound from
  /// here on reads it.
  bool NoReferencesLeft() const {
    return usage != nullptr && total_usage != nullptr &&
           (*usage)[usage_index] >= (*total_usage)[usage_index];
  }
};

/// A planned relation: the operator producing it and what its columns are called.
struct Relation {
  OperatorPtr op;
  std::vector<ScopeColumn> columns;
  /// How many rows it is expected to hold, when known: a table's row count, kept through
  /// filters (an upper bound there) and, for an inner join, the larger input's. Lets a semi or
  /// anti join build its hash table on the smaller side.
  std::optional<uint64_t> estimated_rows;
};

/// Turns a parsed SELECT into a tree of physical operators (binding and planning in one pass:
/// names resolve against the relation being built, so each operator's input columns are known
/// exactly when its expressions are bound). Every error names the construct and its position.
class Binder {
 public:
  Binder(std::string_view sql, TableResolver* tables, const ExecutionContext* context)
      : sql_(sql), tables_(tables), context_(context) {}

  /// Binds a whole statement: WITH, the SELECT or set operation, ORDER BY, LIMIT/OFFSET.
  Result<Relation> BindStatement(const SelectStatement& statement);

  /// Binds STATEMENT twice: the first pass records which columns of each table reference the
  /// query reads, the second scans only those (names resolve the same way in both passes).
  Result<Relation> BindPruned(const SelectStatement& statement);

  /// A list of scopes searched innermost first; a column's bound index is its frame's offset plus
  /// its position in the frame.
  struct Frame {
    const std::vector<ScopeColumn>* columns;
    size_t offset;
  };

  // Collects the aggregates and window functions an expression list uses.
  struct AggregateCollector;
  struct WindowCollector;
  struct ExprContext {
    std::vector<Frame> frames;
    AggregateCollector* aggregates = nullptr;  // null: aggregates are not allowed here
    WindowCollector* windows = nullptr;        // null: window functions are not allowed here
    const char* clause = "this clause";        // for "not allowed in WHERE" messages
  };

  Result<BoundExprPtr> BindExpr(const ParsedExpr& expr, const ExprContext& context);

 private:
  Status ErrorAt(const std::string& message, int location) const;
  Status NotSupportedAt(const std::string& message, int location) const;

  Result<Relation> BindSetOperation(const SelectStatement& statement);
  Result<Relation> BindSelectCore(const SelectStatement& statement);
  Result<Relation> BindFrom(const std::vector<std::unique_ptr<TableRef>>& from,
                            std::vector<const ParsedExpr*>* where_conjuncts);
  Result<Relation> BindTableRef(const TableRef& ref);
  Result<Relation> BindBaseTable(const TableRef& ref);
  Result<Relation> BindJoin(const TableRef& ref);
  /// Joins LEFT and RIGHT on CONJUNCTS (bound over left ++ right): equalities across the sides
  /// become hash keys, one-sided conjuncts are pushed below the join where that is correct.
  Result<Relation> PlanJoin(Relation left, Relation right, JoinType type,
                            std::vector<BoundExprPtr> conjuncts);
  Result<Relation> ApplyWhere(Relation input, const std::vector<const ParsedExpr*>& conjuncts);
  Result<Relation> ApplySubqueryPredicate(Relation input, const ParsedExpr& predicate,
                                          bool negated);
  Result<Relation> ApplyOrderLimit(Relation input, const SelectStatement& statement,
                                   size_t visible_columns);
  Result<std::optional<size_t>> BindCount(const ParsedExpr* expr, const char* clause);

  Result<BoundExprPtr> BindColumnRef(const ParsedExpr& expr, const ExprContext& context);
  Result<BoundExprPtr> BindFunction(const ParsedExpr& expr, const ExprContext& context);
  Result<BoundExprPtr> BindCase(const ParsedExpr& expr, const ExprContext& context);
  Result<BoundExprPtr> BindLiteral(const ParsedExpr& expr);
  Result<BoundExprPtr> BindScalarSubquery(const ParsedExpr& expr);

  const CommonTableExpr* FindCte(std::string_view name) const;

  std::string_view sql_;
  TableResolver* tables_;
  const ExecutionContext* context_;
  std::vector<const CommonTableExpr*> ctes_;  // innermost last
  // References to each column of a table reference: counted by the first pass of BindPruned
  // (total) and again by the second (seen), so the second knows when a column's last
  // reference has been bound.
  struct ColumnUsage {
    std::vector<uint32_t> total, seen;
  };
  std::map<const TableRef*, std::unique_ptr<ColumnUsage>> usage_;
  /// Drops from a join's output the base-table columns no reference outside it reads (join
  /// keys such as a second copy of a device's serial number), so later joins do not carry,
  /// copy and spill them. Only in the second pass of BindPruned.
  Relation DropUnreferencedColumns(Relation rel) const;
  bool prune_ = false;
};

}  // namespace stedi::sql
