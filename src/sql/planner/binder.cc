// Binding of statements: FROM, joins, WHERE, GROUP BY, SELECT, ORDER BY, LIMIT, set operations.
#include "sql/planner/binder.h"

#include <algorithm>
#include <set>

#include "sql/execution/join.h"
#include "sql/execution/parquet_scan.h"
#include "sql/execution/relational_operators.h"
#include "sql/execution/sort.h"
#include "sql/expression/evaluator.h"
#include "sql/expression/function_binder.h"
#include "sql/parser/parser.h"
#include "sql/planner/binder_internal.h"

namespace stedi::sql {
namespace {

std::shared_ptr<const Schema> SchemaOf(const std::vector<ScopeColumn>& columns) {
  std::vector<Field> fields;
  fields.reserve(columns.size());
  for (const ScopeColumn& c : columns) fields.push_back(Field{c.name, c.type, true, 0});
  return std::make_shared<const Schema>(std::move(fields));
}

std::vector<BoundExprPtr> ColumnRefs(const std::vector<ScopeColumn>& columns, size_t count) {
  std::vector<BoundExprPtr> out;
  for (size_t i = 0; i < count; ++i) {
    out.push_back(BoundExpr::Column(i, columns[i].type, columns[i].name));
  }
  return out;
}

bool ContainsSubqueryPredicate(const ParsedExpr& e) {
  if (e.kind == ExprKind::kExists || e.kind == ExprKind::kInSubquery) return true;
  for (const auto& c : e.children) {
    if (c && ContainsSubqueryPredicate(*c)) return true;
  }
  return false;
}

// Returns whether E is the predicate (possibly under NOT) EXISTS / IN (subquery).
const ParsedExpr* AsSubqueryPredicate(const ParsedExpr& e, bool* negated) {
  *negated = false;
  const ParsedExpr* p = &e;
  while (p->kind == ExprKind::kOperator && p->op == "NOT" && p->children.size() == 1) {
    *negated = !*negated;
    p = p->children[0].get();
  }
  if (p->kind == ExprKind::kExists || p->kind == ExprKind::kInSubquery) {
    if (p->negated) *negated = !*negated;
    return p;
  }
  return nullptr;
}

Result<BoundExprPtr> AndAll(std::vector<BoundExprPtr> conjuncts, std::string_view sql) {
  if (conjuncts.empty()) return BoundExprPtr();
  BoundExprPtr out = std::move(conjuncts[0]);
  for (size_t i = 1; i < conjuncts.size(); ++i) {
    std::vector<BoundExprPtr> args;
    args.push_back(std::move(out));
    args.push_back(std::move(conjuncts[i]));
    STEDI_ASSIGN_OR_RETURN(out, BindCall("and", std::move(args), -1, sql));
  }
  return out;
}

// Which sides of a join (left = positions < LEFT_COUNT) an expression reads.
struct Sides {
  bool left = false;
  bool right = false;
};
Sides SidesOf(const BoundExpr& e, size_t left_count) {
  std::vector<size_t> cols;
  CollectColumns(e, &cols);
  Sides s;
  for (size_t c : cols) (c < left_count ? s.left : s.right) = true;
  return s;
}

}  // namespace

const CommonTableExpr* Binder::FindCte(std::string_view name) const {
  for (auto it = ctes_.rbegin(); it != ctes_.rend(); ++it) {
    if (NamesEqual((*it)->name, name)) return *it;
  }
  return nullptr;
}

Result<Relation> Binder::BindStatement(const SelectStatement& statement) {
  const size_t saved = ctes_.size();
  for (const CommonTableExpr& cte : statement.with) ctes_.push_back(&cte);
  Result<Relation> out = statement.set_op == SelectStatement::SetOp::kNone
                             ? BindSelectCore(statement)
                             : BindSetOperation(statement);
  ctes_.resize(saved);
  return out;
}

Result<Relation> Binder::BindPruned(const SelectStatement& statement) {
  usage_.clear();
  prune_ = false;
  {
    // The first pass only records usage; its operators are never run.
    STEDI_ASSIGN_OR_RETURN(Relation first, BindStatement(statement));
  }
  prune_ = true;
  return BindStatement(statement);
}

Result<Relation> Binder::BindSetOperation(const SelectStatement& s) {
  STEDI_ASSIGN_OR_RETURN(Relation left, BindStatement(*s.left));
  STEDI_ASSIGN_OR_RETURN(Relation right, BindStatement(*s.right));
  if (left.columns.size() != right.columns.size()) {
    return ErrorAt("the queries of a set operation return " + std::to_string(left.columns.size()) +
                       " and " + std::to_string(right.columns.size()) + " columns",
                   s.location);
  }
  std::vector<ScopeColumn> columns;
  std::vector<BoundExprPtr> left_cast, right_cast;
  for (size_t i = 0; i < left.columns.size(); ++i) {
    Result<TypeId> common = CommonType(left.columns[i].type, right.columns[i].type);
    if (!common.ok()) {
      return ErrorAt("column " + std::to_string(i + 1) + " of the set operation is " +
                         std::string(TypeName(left.columns[i].type)) + " on the left and " +
                         std::string(TypeName(right.columns[i].type)) + " on the right",
                     s.location);
    }
    columns.push_back(ScopeColumn{"", left.columns[i].name, *common, false});
    STEDI_ASSIGN_OR_RETURN(
        BoundExprPtr l, BindCast(BoundExpr::Column(i, left.columns[i].type, left.columns[i].name),
                                 *common, s.location, sql_));
    STEDI_ASSIGN_OR_RETURN(
        BoundExprPtr r, BindCast(BoundExpr::Column(i, right.columns[i].type, right.columns[i].name),
                                 *common, s.location, sql_));
    left_cast.push_back(std::move(l));
    right_cast.push_back(std::move(r));
  }
  auto schema = SchemaOf(columns);
  OperatorPtr l = MakeProjection(std::move(left.op), std::move(left_cast), schema);
  OperatorPtr r = MakeProjection(std::move(right.op), std::move(right_cast), schema);
  Relation out;
  out.columns = columns;
  if (s.set_op == SelectStatement::SetOp::kUnion) {
    std::vector<OperatorPtr> children;
    children.push_back(std::move(l));
    children.push_back(std::move(r));
    out.op = MakeUnionAll(std::move(children), schema);
    if (!s.set_all) {
      out.op = MakeHashAggregate(std::move(out.op), ColumnRefs(columns, columns.size()), {}, schema,
                                 context_);
    }
  } else {
    if (s.set_all) return NotSupportedAt("INTERSECT ALL / EXCEPT ALL", s.location);
    // INTERSECT / EXCEPT: distinct left rows with / without an equal right row.
    OperatorPtr distinct =
        MakeHashAggregate(std::move(l), ColumnRefs(columns, columns.size()), {}, schema, context_);
    HashJoinSpec spec;
    spec.type = s.set_op == SelectStatement::SetOp::kIntersect ? PhysicalJoinType::kSemi
                                                               : PhysicalJoinType::kAnti;
    spec.left_keys = ColumnRefs(columns, columns.size());
    spec.right_keys = ColumnRefs(columns, columns.size());
    spec.output_schema = schema;
    out.op = MakeHashJoin(std::move(distinct), std::move(r), std::move(spec), context_);
  }
  const size_t visible = out.columns.size();
  return ApplyOrderLimit(std::move(out), s, visible);
}

Result<Relation> Binder::BindBaseTable(const TableRef& ref) {
  std::vector<std::string> names = ref.names;
  if (names.size() == 2) {
    if (!NamesEqual(names[0], tables_->database())) {
      return ErrorAt("unknown database \"" + names[0] + "\" (this lake's database is \"" +
                         tables_->database() + "\")",
                     ref.location);
    }
    names.erase(names.begin());
  }
  if (names.size() != 1) {
    return NotSupportedAt("a " + std::to_string(names.size()) + "-part table name", ref.location);
  }
  const std::string& name = names[0];
  const std::string qualifier = ref.alias.empty() ? name : ref.alias;
  if (names.size() == 1 && ref.names.size() == 1 && !ref.time_travel) {
    if (const CommonTableExpr* cte = FindCte(name)) {
      // Bind the CTE's query where it is defined: only the CTEs before it are visible.
      std::vector<const CommonTableExpr*> saved = ctes_;
      auto at = std::find(ctes_.begin(), ctes_.end(), cte);
      ctes_.erase(at, ctes_.end());
      Result<Relation> bound = BindStatement(*cte->query);
      ctes_ = saved;
      if (!bound.ok()) return bound.status();
      Relation rel = std::move(*bound);
      if (!cte->column_names.empty()) {
        if (cte->column_names.size() != rel.columns.size()) {
          return ErrorAt("WITH " + cte->name + " names " +
                             std::to_string(cte->column_names.size()) +
                             " columns but its query returns " + std::to_string(rel.columns.size()),
                         cte->location);
        }
        for (size_t i = 0; i < rel.columns.size(); ++i) rel.columns[i].name = cte->column_names[i];
      }
      for (ScopeColumn& c : rel.columns) {
        c.qualifier = qualifier;
        c.hidden_unqualified = false;
      }
      return rel;
    }
  }
  Result<TableSource> source = tables_->Resolve(name, ref.time_travel);
  if (!source.ok()) {
    if (source.status().IsNotFound() && !ref.time_travel) {
      return Status::NotFound("table \"" + name + "\" does not exist in database \"" +
                              tables_->database() + "\" (at " +
                              DescribePosition(sql_, ref.location) + ")");
    }
    // With time travel the table may exist but not the snapshot: keep the resolver's words.
    int location = ref.time_travel && ref.time_travel->location >= 0 ? ref.time_travel->location
                                                                     : ref.location;
    return source.status().WithContext(DescribePosition(sql_, location));
  }
  std::unique_ptr<ColumnUsage>& usage = usage_[&ref];
  // Created once per reference: a CTE read twice binds the same reference twice.
  if (!usage) {
    usage = std::make_unique<ColumnUsage>();
    usage->total.assign(source->schema->num_fields(), 0);
    usage->seen.assign(source->schema->num_fields(), 0);
  }
  Relation rel;
  std::vector<Field> scanned;  // with field ids: the scan matches file columns by id
  for (size_t i = 0; i < source->schema->num_fields(); ++i) {
    if (prune_ && usage->total[i] == 0) continue;
    const Field& f = source->schema->field(i);
    ScopeColumn column{qualifier, f.name, f.type, false};
    column.usage = prune_ ? &usage->seen : &usage->total;
    column.total_usage = prune_ ? &usage->total : nullptr;
    column.usage_index = i;
    rel.columns.push_back(column);
    scanned.push_back(Field{f.name, f.type, true, f.field_id});
  }
  rel.op =
      MakeParquetScan(source->files, std::make_shared<const Schema>(std::move(scanned)), context_);
  rel.estimated_rows = source->rows;
  return rel;
}

Result<Relation> Binder::BindTableRef(const TableRef& ref) {
  switch (ref.kind) {
    case TableRef::Kind::kTable: {
      STEDI_ASSIGN_OR_RETURN(Relation rel, BindBaseTable(ref));
      if (!ref.column_aliases.empty()) {
        if (ref.column_aliases.size() > rel.columns.size()) {
          return ErrorAt("too many column aliases", ref.location);
        }
        for (size_t i = 0; i < ref.column_aliases.size(); ++i) {
          rel.columns[i].name = ref.column_aliases[i];
        }
      }
      return rel;
    }
    case TableRef::Kind::kSubquery: {
      STEDI_ASSIGN_OR_RETURN(Relation rel, BindStatement(*ref.subquery));
      for (size_t i = 0; i < rel.columns.size(); ++i) {
        rel.columns[i].qualifier = ref.alias;
        rel.columns[i].hidden_unqualified = false;
        if (i < ref.column_aliases.size()) rel.columns[i].name = ref.column_aliases[i];
      }
      return rel;
    }
    case TableRef::Kind::kJoin:
      return BindJoin(ref);
  }
  return ErrorAt("unknown FROM item", ref.location);
}

Result<Relation> Binder::BindJoin(const TableRef& ref) {
  STEDI_ASSIGN_OR_RETURN(Relation left, BindTableRef(*ref.left));
  STEDI_ASSIGN_OR_RETURN(Relation right, BindTableRef(*ref.right));
  std::vector<ScopeColumn> combined = left.columns;
  combined.insert(combined.end(), right.columns.begin(), right.columns.end());
  std::vector<BoundExprPtr> conjuncts;
  if (!ref.using_columns.empty()) {
    for (const std::string& name : ref.using_columns) {
      std::optional<size_t> l, r;
      for (size_t i = 0; i < left.columns.size(); ++i) {
        if (NamesEqual(left.columns[i].name, name) && !left.columns[i].hidden_unqualified) l = i;
      }
      for (size_t i = 0; i < right.columns.size(); ++i) {
        if (NamesEqual(right.columns[i].name, name)) r = i;
      }
      if (!l || !r) {
        return ErrorAt("USING column \"" + name + "\" is not on both sides of the join",
                       ref.location);
      }
      std::vector<BoundExprPtr> args;
      args.push_back(BoundExpr::Column(*l, left.columns[*l].type, name));
      args.push_back(BoundExpr::Column(left.columns.size() + *r, right.columns[*r].type, name));
      STEDI_ASSIGN_OR_RETURN(BoundExprPtr eq, BindCall("=", std::move(args), ref.location, sql_));
      conjuncts.push_back(std::move(eq));
      combined[left.columns.size() + *r].hidden_unqualified = true;
      left.columns[*l].MarkUsed();
      right.columns[*r].MarkUsed();
    }
  } else if (ref.condition) {
    std::vector<const ParsedExpr*> parts;
    SplitConjuncts(ref.condition.get(), &parts);
    ExprContext ctx;
    ctx.frames.push_back(Frame{&combined, 0});
    ctx.clause = "a join condition";
    for (const ParsedExpr* p : parts) {
      if (ContainsSubqueryPredicate(*p)) {
        return NotSupportedAt("a subquery in a join condition", p->location);
      }
      STEDI_ASSIGN_OR_RETURN(BoundExprPtr b, BindExpr(*p, ctx));
      if (b->type != TypeId::kBoolean) {
        return ErrorAt("a join condition must be boolean, not " + std::string(TypeName(b->type)),
                       p->location);
      }
      conjuncts.push_back(std::move(b));
    }
  } else if (ref.join_type != JoinType::kCross) {
    return ErrorAt("a join needs ON or USING", ref.location);
  }
  STEDI_ASSIGN_OR_RETURN(Relation out, PlanJoin(std::move(left), std::move(right), ref.join_type,
                                                std::move(conjuncts)));
  out.columns = combined;
  return DropUnreferencedColumns(std::move(out));
}

Relation Binder::DropUnreferencedColumns(Relation rel) const {
  // Expressions bound before this point and evaluated above the join would see other column
  // positions; there are none: a join's own conditions are evaluated inside it, and whatever
  // reads its output is bound afterwards. A column read later is never dropped, as its count
  // is not complete yet.
  if (!prune_) return rel;
  std::vector<size_t> kept;
  for (size_t i = 0; i < rel.columns.size(); ++i) {
    if (!rel.columns[i].NoReferencesLeft()) kept.push_back(i);
  }
  // When no column is read any more (a `count(*)` over a join), the join stays as it is: its
  // rows still count.
  if (kept.size() == rel.columns.size() || kept.empty()) return rel;
  const Schema& schema = *rel.op->schema();
  std::vector<BoundExprPtr> exprs;
  std::vector<Field> fields;
  std::vector<ScopeColumn> columns;
  for (size_t i : kept) {
    exprs.push_back(BoundExpr::Column(i, rel.columns[i].type, rel.columns[i].name));
    fields.push_back(schema.field(i));
    columns.push_back(rel.columns[i]);
  }
  rel.op = MakeProjection(std::move(rel.op), std::move(exprs),
                          std::make_shared<const Schema>(std::move(fields)));
  rel.columns = std::move(columns);
  return rel;
}

Result<Relation> Binder::PlanJoin(Relation left, Relation right, JoinType type,
                                  std::vector<BoundExprPtr> conjuncts) {
  const size_t left_count = left.columns.size();
  std::vector<BoundExprPtr> left_keys, right_keys, residual, left_filters, right_filters;
  for (BoundExprPtr& c : conjuncts) {
    const Sides sides = SidesOf(*c, left_count);
    if (c->kind == BoundExpr::Kind::kCall && c->function == "=" && c->args.size() == 2) {
      const Sides a = SidesOf(*c->args[0], left_count);
      const Sides b = SidesOf(*c->args[1], left_count);
      if (a.left && !a.right && b.right && !b.left) {
        left_keys.push_back(std::move(c->args[0]));
        right_keys.push_back(std::move(c->args[1]));
        ShiftColumns(right_keys.back().get(), left_count);
        continue;
      }
      if (b.left && !b.right && a.right && !a.left) {
        left_keys.push_back(std::move(c->args[1]));
        right_keys.push_back(std::move(c->args[0]));
        ShiftColumns(right_keys.back().get(), left_count);
        continue;
      }
    }
    const bool push_left =
        type == JoinType::kInner || type == JoinType::kRight || type == JoinType::kCross;
    const bool push_right =
        type == JoinType::kInner || type == JoinType::kLeft || type == JoinType::kCross;
    if (sides.left && !sides.right && push_left) {
      left_filters.push_back(std::move(c));
    } else if (sides.right && !sides.left && push_right) {
      ShiftColumns(c.get(), left_count);
      right_filters.push_back(std::move(c));
    } else {
      residual.push_back(std::move(c));
    }
  }
  if (!left_filters.empty()) {
    STEDI_ASSIGN_OR_RETURN(BoundExprPtr f, AndAll(std::move(left_filters), sql_));
    left.op = MakeFilter(std::move(left.op), std::move(f));
  }
  if (!right_filters.empty()) {
    STEDI_ASSIGN_OR_RETURN(BoundExprPtr f, AndAll(std::move(right_filters), sql_));
    right.op = MakeFilter(std::move(right.op), std::move(f));
  }
  std::vector<ScopeColumn> combined = left.columns;
  combined.insert(combined.end(), right.columns.begin(), right.columns.end());
  PhysicalJoinType physical = PhysicalJoinType::kInner;
  switch (type) {
    case JoinType::kInner:
    case JoinType::kCross:
      physical = PhysicalJoinType::kInner;
      break;
    case JoinType::kLeft:
      physical = PhysicalJoinType::kLeft;
      break;
    case JoinType::kRight:
      physical = PhysicalJoinType::kRight;
      break;
    case JoinType::kFull:
      physical = PhysicalJoinType::kFull;
      break;
  }
  STEDI_ASSIGN_OR_RETURN(BoundExprPtr residual_expr, AndAll(std::move(residual), sql_));
  Relation out;
  out.columns = combined;
  if (left_keys.empty()) {
    out.op = MakeNestedLoopJoin(std::move(left.op), std::move(right.op), physical,
                                std::move(residual_expr), SchemaOf(combined), context_);
    return out;
  }
  // An inner join's output may be bigger than either input; as an estimate for the joins above
  // it, the larger input's count will do.
  if (physical == PhysicalJoinType::kInner && left.estimated_rows && right.estimated_rows) {
    out.estimated_rows = std::max(*left.estimated_rows, *right.estimated_rows);
  }
  // The right child is the build side, as written: the query's author (models/ puts the
  // smaller table on the right) knows sizes the planner does not. (Choosing by estimated rows
  // was tried: without row widths it picked wider rows that took as much memory.)
  HashJoinSpec spec;
  spec.type = physical;
  spec.left_keys = std::move(left_keys);
  spec.right_keys = std::move(right_keys);
  spec.residual = std::move(residual_expr);
  spec.output_schema = SchemaOf(combined);
  out.op = MakeHashJoin(std::move(left.op), std::move(right.op), std::move(spec), context_);
  return out;
}

Result<Relation> Binder::BindFrom(const std::vector<std::unique_ptr<TableRef>>& from,
                                  std::vector<const ParsedExpr*>* where_conjuncts) {
  if (from.empty()) {
    Relation rel;
    rel.op = MakeSingleRow();
    return rel;
  }
  STEDI_ASSIGN_OR_RETURN(Relation rel, BindTableRef(*from[0]));
  for (size_t i = 1; i < from.size(); ++i) {
    STEDI_ASSIGN_OR_RETURN(Relation next, BindTableRef(*from[i]));
    // FROM a, b WHERE a.x = b.y: the WHERE conjuncts that read only these tables join them.
    std::vector<ScopeColumn> combined = rel.columns;
    combined.insert(combined.end(), next.columns.begin(), next.columns.end());
    ExprContext ctx;
    ctx.frames.push_back(Frame{&combined, 0});
    std::vector<BoundExprPtr> conjuncts;
    for (auto it = where_conjuncts->begin(); it != where_conjuncts->end();) {
      const ParsedExpr* p = *it;
      if (ContainsSubqueryPredicate(*p)) {
        ++it;
        continue;
      }
      Result<BoundExprPtr> b = BindExpr(*p, ctx);
      if (b.ok() && (*b)->type == TypeId::kBoolean && SidesOf(**b, rel.columns.size()).right) {
        conjuncts.push_back(std::move(*b));
        it = where_conjuncts->erase(it);
      } else {
        ++it;
      }
    }
    STEDI_ASSIGN_OR_RETURN(
        rel, PlanJoin(std::move(rel), std::move(next), JoinType::kInner, std::move(conjuncts)));
  }
  return rel;
}

Result<Relation> Binder::ApplySubqueryPredicate(Relation input, const ParsedExpr& predicate,
                                                bool negated) {
  const SelectStatement& sub = *predicate.subquery;
  const bool is_in = predicate.kind == ExprKind::kInSubquery;
  const size_t outer_count = input.columns.size();
  ExprContext outer_ctx;
  outer_ctx.frames.push_back(Frame{&input.columns, 0});
  outer_ctx.clause = "WHERE";
  BoundExprPtr outer_key;
  if (is_in) {
    STEDI_ASSIGN_OR_RETURN(outer_key, BindExpr(*predicate.children[0], outer_ctx));
  }
  PhysicalJoinType type = negated
                              ? (is_in ? PhysicalJoinType::kAntiNullAware : PhysicalJoinType::kAnti)
                              : PhysicalJoinType::kSemi;
  std::vector<BoundExprPtr> left_keys, right_keys, residual;
  OperatorPtr right_op;
  std::optional<uint64_t> right_rows;  // expected, when known
  size_t right_count = 0;              // the subquery side's columns

  // An uncorrelated subquery plans on its own; a correlated one is decorrelated below.
  Result<Relation> whole = BindStatement(sub);
  if (whole.ok()) {
    if (is_in) {
      if (whole->columns.size() != 1) {
        return ErrorAt("the subquery of IN must return one column, not " +
                           std::to_string(whole->columns.size()),
                       predicate.location);
      }
      left_keys.push_back(std::move(outer_key));
      right_keys.push_back(BoundExpr::Column(0, whole->columns[0].type, whole->columns[0].name));
    }
    right_rows = whole->estimated_rows;
    right_count = whole->columns.size();
    right_op = std::move(whole->op);
  } else {
    const bool simple = sub.set_op == SelectStatement::SetOp::kNone && sub.group_by.empty() &&
                        !sub.having && !sub.limit && !sub.offset && sub.with.empty() &&
                        !sub.from.empty();
    if (!simple) return whole.status();
    std::vector<const ParsedExpr*> parts;
    SplitConjuncts(sub.where.get(), &parts);
    STEDI_ASSIGN_OR_RETURN(Relation inner, BindFrom(sub.from, &parts));
    ExprContext ctx;
    ctx.frames.push_back(Frame{&inner.columns, outer_count});
    ctx.frames.push_back(Frame{&input.columns, 0});
    ctx.clause = "WHERE";
    std::vector<BoundExprPtr> inner_filters;
    for (const ParsedExpr* p : parts) {
      if (ContainsSubqueryPredicate(*p)) {
        return NotSupportedAt("a subquery inside a correlated subquery", p->location);
      }
      STEDI_ASSIGN_OR_RETURN(BoundExprPtr b, BindExpr(*p, ctx));
      const Sides sides = SidesOf(*b, outer_count);
      if (!sides.left) {
        ShiftColumns(b.get(), outer_count);
        inner_filters.push_back(std::move(b));
        continue;
      }
      if (b->kind == BoundExpr::Kind::kCall && b->function == "=" && b->args.size() == 2) {
        const Sides a = SidesOf(*b->args[0], outer_count);
        const Sides c = SidesOf(*b->args[1], outer_count);
        int outer_arg = -1;
        if (a.left && !a.right && c.right && !c.left) outer_arg = 0;
        if (c.left && !c.right && a.right && !a.left) outer_arg = 1;
        if (outer_arg >= 0) {
          left_keys.push_back(std::move(b->args[outer_arg]));
          right_keys.push_back(std::move(b->args[1 - outer_arg]));
          ShiftColumns(right_keys.back().get(), outer_count);
          continue;
        }
      }
      residual.push_back(std::move(b));
    }
    if (is_in) {
      if (sub.select_list.size() != 1 || sub.select_list[0].expr->kind == ExprKind::kStar) {
        return ErrorAt("the subquery of IN must return one column", predicate.location);
      }
      ExprContext inner_only;
      inner_only.frames.push_back(Frame{&inner.columns, 0});
      STEDI_ASSIGN_OR_RETURN(BoundExprPtr inner_key,
                             BindExpr(*sub.select_list[0].expr, inner_only));
      left_keys.push_back(std::move(outer_key));
      right_keys.push_back(std::move(inner_key));
    }
    if (!inner_filters.empty()) {
      STEDI_ASSIGN_OR_RETURN(BoundExprPtr f, AndAll(std::move(inner_filters), sql_));
      inner.op = MakeFilter(std::move(inner.op), std::move(f));
    }
    right_rows = inner.estimated_rows;
    right_count = inner.columns.size();
    right_op = std::move(inner.op);
  }
  // Keys must have equal types on both sides.
  for (size_t i = 0; i < left_keys.size(); ++i) {
    if (left_keys[i]->type == right_keys[i]->type) continue;
    Result<TypeId> common = CommonType(left_keys[i]->type, right_keys[i]->type);
    if (!common.ok()) {
      return ErrorAt("cannot compare " + std::string(TypeName(left_keys[i]->type)) + " with " +
                         std::string(TypeName(right_keys[i]->type)),
                     predicate.location);
    }
    STEDI_ASSIGN_OR_RETURN(left_keys[i],
                           BindCast(std::move(left_keys[i]), *common, predicate.location, sql_));
    STEDI_ASSIGN_OR_RETURN(right_keys[i],
                           BindCast(std::move(right_keys[i]), *common, predicate.location, sql_));
  }
  if (type == PhysicalJoinType::kAntiNullAware && !residual.empty()) {
    return NotSupportedAt("a correlated NOT IN", predicate.location);
  }
  STEDI_ASSIGN_OR_RETURN(BoundExprPtr residual_expr, AndAll(std::move(residual), sql_));
  Relation out;
  out.columns = input.columns;
  out.estimated_rows = input.estimated_rows;
  auto schema = SchemaOf(input.columns);
  if (left_keys.empty()) {
    out.op = MakeNestedLoopJoin(std::move(input.op), std::move(right_op), type,
                                std::move(residual_expr), schema, context_);
    return out;
  }
  HashJoinSpec spec;
  spec.residual = std::move(residual_expr);
  spec.output_schema = schema;
  // The hash join builds on its right child. When the subquery is known to be much bigger than
  // the rows it filters (every reading of a few customers), build on those rows instead and
  // stream the subquery through them, keeping the rows it matches (or does not).
  const bool swap = (type == PhysicalJoinType::kSemi || type == PhysicalJoinType::kAnti) &&
                    input.estimated_rows && right_rows && *input.estimated_rows * 2 < *right_rows;
  if (!swap) {
    spec.type = type;
    spec.left_keys = std::move(left_keys);
    spec.right_keys = std::move(right_keys);
    out.op = MakeHashJoin(std::move(input.op), std::move(right_op), std::move(spec), context_);
    return out;
  }
  spec.type =
      type == PhysicalJoinType::kSemi ? PhysicalJoinType::kRightSemi : PhysicalJoinType::kRightAnti;
  spec.left_keys = std::move(right_keys);
  spec.right_keys = std::move(left_keys);
  if (spec.residual) SwapJoinSides(spec.residual.get(), outer_count, right_count);
  out.op = MakeHashJoin(std::move(right_op), std::move(input.op), std::move(spec), context_);
  return out;
}

Result<Relation> Binder::ApplyWhere(Relation input,
                                    const std::vector<const ParsedExpr*>& conjuncts) {
  std::vector<BoundExprPtr> filters;
  std::vector<std::pair<const ParsedExpr*, bool>> subqueries;
  ExprContext ctx;
  ctx.frames.push_back(Frame{&input.columns, 0});
  ctx.clause = "WHERE";
  for (const ParsedExpr* p : conjuncts) {
    bool negated = false;
    if (const ParsedExpr* sub = AsSubqueryPredicate(*p, &negated)) {
      subqueries.emplace_back(sub, negated);
      continue;
    }
    STEDI_ASSIGN_OR_RETURN(BoundExprPtr b, BindExpr(*p, ctx));
    if (b->type != TypeId::kBoolean && !b->null_literal) {
      return ErrorAt("WHERE needs a boolean condition, not " + std::string(TypeName(b->type)),
                     p->location);
    }
    filters.push_back(std::move(b));
  }
  // Plain filters first: they shrink the input the subquery joins probe with.
  if (!filters.empty()) {
    STEDI_ASSIGN_OR_RETURN(BoundExprPtr f, AndAll(std::move(filters), sql_));
    input.op = MakeFilter(std::move(input.op), std::move(f));
  }
  for (const auto& [sub, negated] : subqueries) {
    STEDI_ASSIGN_OR_RETURN(input, ApplySubqueryPredicate(std::move(input), *sub, negated));
  }
  return input;
}

Result<std::optional<size_t>> Binder::BindCount(const ParsedExpr* expr, const char* clause) {
  if (expr == nullptr) return std::optional<size_t>();
  ExprContext ctx;
  ctx.clause = clause;
  STEDI_ASSIGN_OR_RETURN(BoundExprPtr b, BindExpr(*expr, ctx));
  STEDI_ASSIGN_OR_RETURN(ScalarValue v, EvaluateConstant(*b));
  if (v.is_null()) return std::optional<size_t>();
  const int64_t* n = std::get_if<int64_t>(&v.value);
  if (n == nullptr || *n < 0) {
    return ErrorAt(std::string(clause) + " must be a non-negative integer", expr->location);
  }
  return std::optional<size_t>(static_cast<size_t>(*n));
}

Result<Relation> Binder::ApplyOrderLimit(Relation input, const SelectStatement& s,
                                         size_t visible_columns) {
  // For set operations ORDER BY names output columns or ordinals (the core SELECT handles its
  // own ORDER BY before this and passes none).
  if (!s.order_by.empty() && s.set_op != SelectStatement::SetOp::kNone) {
    std::vector<SortKey> keys;
    ExprContext ctx;
    ctx.frames.push_back(Frame{&input.columns, 0});
    ctx.clause = "ORDER BY";
    for (const OrderItem& o : s.order_by) {
      SortKey key;
      if (o.expr->kind == ExprKind::kLiteral && o.expr->literal.kind == Literal::Kind::kInteger) {
        const int64_t n = o.expr->literal.integer;
        if (n < 1 || static_cast<size_t>(n) > visible_columns) {
          return ErrorAt("ORDER BY position " + std::to_string(n) + " is not in the select list",
                         o.expr->location);
        }
        key.expr = BoundExpr::Column(n - 1, input.columns[n - 1].type, input.columns[n - 1].name);
      } else {
        STEDI_ASSIGN_OR_RETURN(key.expr, BindExpr(*o.expr, ctx));
      }
      key.descending = o.descending;
      key.nulls_first = o.nulls_first.value_or(false);
      keys.push_back(std::move(key));
    }
    STEDI_ASSIGN_OR_RETURN(std::optional<size_t> limit, BindCount(s.limit.get(), "LIMIT"));
    STEDI_ASSIGN_OR_RETURN(std::optional<size_t> offset, BindCount(s.offset.get(), "OFFSET"));
    std::optional<size_t> top;
    if (limit) top = *limit + offset.value_or(0);
    input.op = MakeSort(std::move(input.op), std::move(keys), top, context_);
  }
  STEDI_ASSIGN_OR_RETURN(std::optional<size_t> limit, BindCount(s.limit.get(), "LIMIT"));
  STEDI_ASSIGN_OR_RETURN(std::optional<size_t> offset, BindCount(s.offset.get(), "OFFSET"));
  if (limit || offset.value_or(0) > 0) {
    input.op = MakeLimit(std::move(input.op), limit, offset.value_or(0));
  }
  if (visible_columns < input.columns.size()) {
    input.columns.resize(visible_columns);
    input.op = MakeProjection(std::move(input.op), ColumnRefs(input.columns, visible_columns),
                              SchemaOf(input.columns));
  }
  return input;
}

}  // namespace stedi::sql
