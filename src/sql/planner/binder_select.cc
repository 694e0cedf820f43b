// Binding of one SELECT block: FROM → WHERE → GROUP BY/aggregates → HAVING → window functions →
// select list → DISTINCT → ORDER BY → LIMIT/OFFSET.
#include <algorithm>

#include "sql/execution/aggregate.h"
#include "sql/execution/relational_operators.h"
#include "sql/execution/sort.h"
#include "sql/execution/window.h"
#include "sql/expression/function_binder.h"
#include "sql/planner/binder_internal.h"

namespace stedi::sql {
namespace {

std::shared_ptr<const Schema> SchemaOfColumns(const std::vector<ScopeColumn>& columns) {
  std::vector<Field> fields;
  for (const ScopeColumn& c : columns) fields.push_back(Field{c.name, c.type, true, 0});
  return std::make_shared<const Schema>(std::move(fields));
}

BoundExprPtr ShallowCopy(const BoundExpr& e) {
  auto out = std::make_unique<BoundExpr>();
  out->kind = e.kind;
  out->type = e.type;
  out->location = e.location;
  out->column_index = e.column_index;
  out->column_name = e.column_name;
  out->constant = e.constant;
  out->null_literal = e.null_literal;
  out->function = e.function;
  out->has_else = e.has_else;
  return out;
}

// After GROUP BY, an expression may read only group keys and aggregates: each is replaced by
// the aggregate operator's output column.
Result<BoundExprPtr> RewriteAggregated(const BoundExpr& e,
                                       const std::vector<std::string>& group_keys,
                                       const std::vector<std::string>& group_names,
                                       std::string_view sql_text, const auto& error_at) {
  if (e.kind == BoundExpr::Kind::kCall && e.function == kWindowPlaceholder) {
    return ShallowCopy(e);
  }
  if (e.kind == BoundExpr::Kind::kCall && e.function == kAggregatePlaceholder) {
    return BoundExpr::Column(group_keys.size() + e.column_index, e.type,
                             "_agg" + std::to_string(e.column_index));
  }
  const std::string key = ExprKey(e);
  for (size_t i = 0; i < group_keys.size(); ++i) {
    if (group_keys[i] == key) return BoundExpr::Column(i, e.type, group_names[i]);
  }
  if (e.kind == BoundExpr::Kind::kColumn) {
    return error_at("column \"" + e.column_name +
                        "\" must appear in the GROUP BY clause or be used in an aggregate function",
                    e.location);
  }
  BoundExprPtr out = ShallowCopy(e);
  for (const auto& a : e.args) {
    STEDI_ASSIGN_OR_RETURN(BoundExprPtr r,
                           RewriteAggregated(*a, group_keys, group_names, sql_text, error_at));
    out->args.push_back(std::move(r));
  }
  return out;
}

void ReplaceWindows(BoundExpr* e, size_t base) {
  if (e->kind == BoundExpr::Kind::kCall && e->function == kWindowPlaceholder) {
    const size_t index = e->column_index;
    const TypeId type = e->type;
    *e = std::move(*BoundExpr::Column(base + index, type, "_window" + std::to_string(index)));
    return;
  }
  for (auto& a : e->args) ReplaceWindows(a.get(), base);
}

bool IsOrdinal(const ParsedExpr& e) {
  return e.kind == ExprKind::kLiteral && e.literal.kind == Literal::Kind::kInteger;
}

}  // namespace

Result<Relation> Binder::BindSelectCore(const SelectStatement& s) {
  std::vector<const ParsedExpr*> where;
  SplitConjuncts(s.where.get(), &where);
  STEDI_ASSIGN_OR_RETURN(Relation rel, BindFrom(s.from, &where));
  STEDI_ASSIGN_OR_RETURN(rel, ApplyWhere(std::move(rel), where));

  AggregateCollector aggregates;
  WindowCollector windows;
  ExprContext ctx;
  ctx.frames.push_back(Frame{&rel.columns, 0});
  ctx.aggregates = &aggregates;
  ctx.windows = &windows;
  ctx.clause = "SELECT";

  // The select list, with * expanded.
  std::vector<BoundExprPtr> items;
  std::vector<std::string> names;
  std::vector<std::string> aliases;  // as written, for GROUP BY / ORDER BY by alias
  for (const SelectItem& item : s.select_list) {
    if (item.expr->kind == ExprKind::kStar) {
      const std::vector<std::string>& q = item.expr->names;
      bool any = false;
      for (size_t i = 0; i < rel.columns.size(); ++i) {
        const ScopeColumn& c = rel.columns[i];
        if (q.empty() ? c.hidden_unqualified : !NamesEqual(c.qualifier, q.back())) continue;
        c.MarkUsed();
        items.push_back(BoundExpr::Column(i, c.type, c.name));
        names.push_back(c.name);
        aliases.emplace_back();
        any = true;
      }
      if (!any && !q.empty()) {
        return ErrorAt("unknown table or alias \"" + q.back() + "\" in " + q.back() + ".*",
                       item.expr->location);
      }
      continue;
    }
    STEDI_ASSIGN_OR_RETURN(BoundExprPtr b, BindExpr(*item.expr, ctx));
    std::string name = item.alias;
    if (name.empty()) {
      name = item.expr->kind == ExprKind::kColumnRef ? item.expr->names.back()
                                                     : "_col" + std::to_string(items.size());
    }
    items.push_back(std::move(b));
    names.push_back(name);
    aliases.push_back(item.alias);
  }
  auto alias_index = [&](const ParsedExpr& e) -> std::optional<size_t> {
    if (e.kind != ExprKind::kColumnRef || e.names.size() != 1) return std::nullopt;
    for (size_t i = 0; i < aliases.size(); ++i) {
      if (!aliases[i].empty() && NamesEqual(aliases[i], e.names[0])) return i;
    }
    return std::nullopt;
  };

  // GROUP BY: by expression, select-list ordinal, or select alias.
  std::vector<BoundExprPtr> groups;
  std::vector<std::string> group_names;
  ExprContext group_ctx;
  group_ctx.frames = ctx.frames;
  group_ctx.clause = "GROUP BY";
  for (const auto& g : s.group_by) {
    std::optional<size_t> from_select;
    if (IsOrdinal(*g)) {
      const int64_t n = g->literal.integer;
      if (n < 1 || static_cast<size_t>(n) > items.size()) {
        return ErrorAt("GROUP BY position " + std::to_string(n) + " is not in the select list",
                       g->location);
      }
      from_select = static_cast<size_t>(n - 1);
    } else {
      Result<BoundExprPtr> b = BindExpr(*g, group_ctx);
      if (b.ok()) {
        group_names.push_back(g->kind == ExprKind::kColumnRef
                                  ? g->names.back()
                                  : "_group" + std::to_string(groups.size()));
        groups.push_back(std::move(*b));
        continue;
      }
      from_select = alias_index(*g);
      if (!from_select) return b.status();
    }
    if (ContainsPlaceholder(*items[*from_select], kAggregatePlaceholder) ||
        ContainsPlaceholder(*items[*from_select], kWindowPlaceholder)) {
      return ErrorAt("GROUP BY cannot refer to an aggregate or window function", g->location);
    }
    groups.push_back(items[*from_select]->Clone());
    group_names.push_back(names[*from_select]);
  }

  BoundExprPtr having;
  if (s.having) {
    ExprContext having_ctx = ctx;
    having_ctx.windows = nullptr;
    having_ctx.clause = "HAVING";
    STEDI_ASSIGN_OR_RETURN(having, BindExpr(*s.having, having_ctx));
  }

  // ORDER BY: output position (ordinal or alias), or an extra hidden expression.
  struct OrderTarget {
    std::optional<size_t> output;
    BoundExprPtr hidden;
    bool descending;
    bool nulls_first;
  };
  std::vector<OrderTarget> order;
  for (const OrderItem& o : s.order_by) {
    OrderTarget t{std::nullopt, nullptr, o.descending, o.nulls_first.value_or(false)};
    if (IsOrdinal(*o.expr)) {
      const int64_t n = o.expr->literal.integer;
      if (n < 1 || static_cast<size_t>(n) > items.size()) {
        return ErrorAt("ORDER BY position " + std::to_string(n) + " is not in the select list",
                       o.expr->location);
      }
      t.output = static_cast<size_t>(n - 1);
    } else if (std::optional<size_t> a = alias_index(*o.expr)) {
      t.output = a;
    } else {
      ExprContext order_ctx = ctx;
      order_ctx.clause = "ORDER BY";
      STEDI_ASSIGN_OR_RETURN(t.hidden, BindExpr(*o.expr, order_ctx));
      // Sorting by a selected expression reuses its output column.
      const std::string key = ExprKey(*t.hidden);
      for (size_t i = 0; i < items.size(); ++i) {
        if (ExprKey(*items[i]) == key) {
          t.output = i;
          t.hidden.reset();
          break;
        }
      }
    }
    order.push_back(std::move(t));
  }

  // Aggregation.
  const bool aggregating = !groups.empty() || !aggregates.specs.empty() || having;
  if (aggregating) {
    std::vector<std::string> group_keys;
    std::vector<ScopeColumn> out_columns;
    for (size_t i = 0; i < groups.size(); ++i) {
      group_keys.push_back(ExprKey(*groups[i]));
      out_columns.push_back(ScopeColumn{"", group_names[i], groups[i]->type, false});
    }
    for (size_t i = 0; i < aggregates.specs.size(); ++i) {
      out_columns.push_back(
          ScopeColumn{"", "_agg" + std::to_string(i), aggregates.specs[i].result_type, false});
    }
    auto error_at = [this](const std::string& message, int location) -> Status {
      return ErrorAt(message, location);
    };
    auto rewrite = [&](BoundExprPtr& e) -> Status {
      if (!e) return Status::OK();
      STEDI_ASSIGN_OR_RETURN(e, RewriteAggregated(*e, group_keys, group_names, sql_, error_at));
      return Status::OK();
    };
    for (auto& item : items) STEDI_RETURN_NOT_OK(rewrite(item));
    for (auto& t : order) STEDI_RETURN_NOT_OK(rewrite(t.hidden));
    STEDI_RETURN_NOT_OK(rewrite(having));
    for (WindowFunctionSpec& w : windows.specs) {
      for (auto& a : w.args) STEDI_RETURN_NOT_OK(rewrite(a));
      for (auto& p : w.partition_by) STEDI_RETURN_NOT_OK(rewrite(p));
      for (auto& k : w.order_by) STEDI_RETURN_NOT_OK(rewrite(k.expr));
    }
    rel.op = MakeHashAggregate(std::move(rel.op), std::move(groups), std::move(aggregates.specs),
                               SchemaOfColumns(out_columns), context_);
    rel.columns = std::move(out_columns);
    if (having) {
      if (having->type != TypeId::kBoolean) {
        return ErrorAt("HAVING needs a boolean condition", s.having->location);
      }
      rel.op = MakeFilter(std::move(rel.op), std::move(having));
    }
  }

  // Window functions, computed over the (aggregated) rows.
  if (!windows.specs.empty()) {
    const size_t base = rel.columns.size();
    for (size_t i = 0; i < windows.specs.size(); ++i) {
      rel.columns.push_back(
          ScopeColumn{"", "_window" + std::to_string(i), windows.specs[i].result_type, false});
    }
    for (auto& item : items) ReplaceWindows(item.get(), base);
    for (auto& t : order) {
      if (t.hidden) ReplaceWindows(t.hidden.get(), base);
    }
    rel.op = MakeWindow(std::move(rel.op), std::move(windows.specs), SchemaOfColumns(rel.columns),
                        context_);
  }

  // The select list plus hidden ORDER BY expressions.
  std::vector<ScopeColumn> projected;
  for (size_t i = 0; i < items.size(); ++i) {
    projected.push_back(ScopeColumn{"", names[i], items[i]->type, false});
  }
  const size_t visible = items.size();
  std::vector<SortKey> sort_keys;
  for (OrderTarget& t : order) {
    if (t.hidden) {
      if (s.distinct) {
        return ErrorAt("with SELECT DISTINCT, ORDER BY expressions must appear in the select list",
                       s.location);
      }
      t.output = items.size();
      projected.push_back(
          ScopeColumn{"", "_order" + std::to_string(items.size()), t.hidden->type, false});
      items.push_back(std::move(t.hidden));
    }
    SortKey key;
    key.expr = BoundExpr::Column(*t.output, projected[*t.output].type, projected[*t.output].name);
    key.descending = t.descending;
    key.nulls_first = t.nulls_first;
    sort_keys.push_back(std::move(key));
  }
  auto schema = SchemaOfColumns(projected);
  rel.op = MakeProjection(std::move(rel.op), std::move(items), schema);
  rel.columns = projected;
  if (s.distinct) {
    std::vector<BoundExprPtr> all;
    for (size_t i = 0; i < projected.size(); ++i) {
      all.push_back(BoundExpr::Column(i, projected[i].type, projected[i].name));
    }
    rel.op = MakeHashAggregate(std::move(rel.op), std::move(all), {}, schema, context_);
  }
  if (!sort_keys.empty()) {
    STEDI_ASSIGN_OR_RETURN(std::optional<size_t> limit, BindCount(s.limit.get(), "LIMIT"));
    STEDI_ASSIGN_OR_RETURN(std::optional<size_t> offset, BindCount(s.offset.get(), "OFFSET"));
    std::optional<size_t> top;
    if (limit) top = *limit + offset.value_or(0);
    rel.op = MakeSort(std::move(rel.op), std::move(sort_keys), top, context_);
  }
  return ApplyOrderLimit(std::move(rel), s, visible);
}

}  // namespace stedi::sql
