#include "sql/query.h"

#include <algorithm>
#include <cctype>
#include <cstdlib>
#include <functional>

#include "sql/parser/parser.h"
#include "sql/planner/binder.h"

namespace stedi::sql {
namespace {

Result<const SelectStatement*> SingleSelect(std::string_view sql,
                                            const std::vector<ParsedStatement>& statements) {
  if (statements.empty()) return Status::Invalid("no SQL statement given");
  if (statements.size() > 1) {
    return Status::Invalid("expected one statement, found " + std::to_string(statements.size()) +
                           " (the second starts at " +
                           DescribePosition(sql, statements[1].location) + ")");
  }
  const ParsedStatement& s = statements[0];
  if (!s.is_select) {
    return Status::Invalid(s.kind_name + " statements are refused: stedi sql is read-only (at " +
                           DescribePosition(sql, s.location) +
                           "); tables change only through "
                           "`stedi ingest` and `stedi run`");
  }
  return s.select.get();
}

void CollectTables(const SelectStatement& s, std::vector<std::string>* ctes,
                   std::vector<std::string>* out);

void CollectFromExpr(const ParsedExpr* e, std::vector<std::string>* ctes,
                     std::vector<std::string>* out) {
  if (e == nullptr) return;
  if (e->subquery) CollectTables(*e->subquery, ctes, out);
  for (const auto& c : e->children) CollectFromExpr(c.get(), ctes, out);
  CollectFromExpr(e->case_operand.get(), ctes, out);
  for (const auto& [w, t] : e->when_then) {
    CollectFromExpr(w.get(), ctes, out);
    CollectFromExpr(t.get(), ctes, out);
  }
  CollectFromExpr(e->else_result.get(), ctes, out);
}

void CollectFromRef(const TableRef& ref, std::vector<std::string>* ctes,
                    std::vector<std::string>* out) {
  switch (ref.kind) {
    case TableRef::Kind::kTable: {
      std::string name = ref.names.back();
      std::transform(name.begin(), name.end(), name.begin(),
                     [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
      const bool is_cte =
          ref.names.size() == 1 && std::find(ctes->begin(), ctes->end(), name) != ctes->end();
      if (!is_cte && std::find(out->begin(), out->end(), name) == out->end()) {
        out->push_back(name);
      }
      break;
    }
    case TableRef::Kind::kSubquery:
      CollectTables(*ref.subquery, ctes, out);
      break;
    case TableRef::Kind::kJoin:
      CollectFromRef(*ref.left, ctes, out);
      CollectFromRef(*ref.right, ctes, out);
      CollectFromExpr(ref.condition.get(), ctes, out);
      break;
  }
}

void CollectTables(const SelectStatement& s, std::vector<std::string>* ctes,
                   std::vector<std::string>* out) {
  const size_t saved = ctes->size();
  for (const CommonTableExpr& cte : s.with) {
    CollectTables(*cte.query, ctes, out);
    std::string name = cte.name;
    std::transform(name.begin(), name.end(), name.begin(),
                   [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
    ctes->push_back(name);
  }
  if (s.left) CollectTables(*s.left, ctes, out);
  if (s.right) CollectTables(*s.right, ctes, out);
  for (const auto& ref : s.from) CollectFromRef(*ref, ctes, out);
  for (const SelectItem& item : s.select_list) CollectFromExpr(item.expr.get(), ctes, out);
  CollectFromExpr(s.where.get(), ctes, out);
  CollectFromExpr(s.having.get(), ctes, out);
  ctes->resize(saved);
}

// Errors found while running (division by zero, a bad cast of a value) know only the byte
// offset of their expression; this names line and column as the binder's errors do.
class PositionedErrors final : public Operator {
 public:
  PositionedErrors(OperatorPtr child, std::string_view sql) : child_(std::move(child)), sql_(sql) {}
  const std::shared_ptr<const Schema>& schema() const override { return child_->schema(); }
  std::string Describe() const override { return child_->Describe(); }
  Result<std::optional<Batch>> Next() override {
    Result<std::optional<Batch>> next = child_->Next();
    if (next.ok()) return next;
    const std::string& message = next.status().message();
    const size_t at = message.find(" at offset ");
    if (at == std::string::npos) return next;
    size_t end = at + 11;
    while (end < message.size() && std::isdigit(static_cast<unsigned char>(message[end]))) ++end;
    const int offset = std::atoi(message.c_str() + at + 11);
    return Status(next.status().code(), message.substr(0, at) + " at " +
                                            DescribePosition(sql_, offset) + message.substr(end));
  }

 private:
  OperatorPtr child_;
  std::string sql_;
};

}  // namespace

size_t QueryResult::num_rows() const {
  size_t n = 0;
  for (const Batch& b : batches) n += b.num_rows();
  return n;
}

Result<PreparedQuery> PrepareQuery(std::string_view sql, TableResolver* tables,
                                   const ExecutionContext* context) {
  STEDI_ASSIGN_OR_RETURN(std::vector<ParsedStatement> statements, ParseSql(sql));
  STEDI_ASSIGN_OR_RETURN(const SelectStatement* select, SingleSelect(sql, statements));
  Binder binder(sql, tables, context);
  STEDI_ASSIGN_OR_RETURN(Relation rel, binder.BindPruned(*select));
  PreparedQuery out;
  std::vector<Field> fields;
  for (const ScopeColumn& c : rel.columns) fields.push_back(Field{c.name, c.type, true, 0});
  out.schema = std::make_shared<const Schema>(std::move(fields));
  out.explain = rel.op->Describe();
  out.root = std::make_unique<PositionedErrors>(std::move(rel.op), sql);
  return out;
}

Result<QueryResult> RunQuery(std::string_view sql, TableResolver* tables,
                             const ExecutionContext* context) {
  STEDI_ASSIGN_OR_RETURN(PreparedQuery prepared, PrepareQuery(sql, tables, context));
  QueryResult result;
  result.schema = prepared.schema;
  while (true) {
    STEDI_ASSIGN_OR_RETURN(std::optional<Batch> batch, prepared.root->Next());
    if (!batch) break;
    // Operators name columns for their own use; the result carries the query's names.
    result.batches.emplace_back(result.schema, batch->columns(), batch->num_rows());
  }
  return result;
}

Result<std::vector<std::string>> ReferencedTables(std::string_view sql) {
  STEDI_ASSIGN_OR_RETURN(std::vector<ParsedStatement> statements, ParseSql(sql));
  STEDI_ASSIGN_OR_RETURN(const SelectStatement* select, SingleSelect(sql, statements));
  std::vector<std::string> ctes, out;
  CollectTables(*select, &ctes, &out);
  return out;
}

}  // namespace stedi::sql
