// Binding of expressions: names to column positions, operators and functions to typed calls.
#include <algorithm>

#include "sql/expression/evaluator.h"
#include "sql/expression/function_binder.h"
#include "sql/parser/parser.h"
#include "sql/planner/binder_internal.h"

namespace stedi::sql {

std::string ExprKey(const BoundExpr& expr) {
  std::string key;
  switch (expr.kind) {
    case BoundExpr::Kind::kColumn:
      return "#" + std::to_string(expr.column_index);
    case BoundExpr::Kind::kConstant:
      return "const:" + std::string(TypeName(expr.type)) + ":" + expr.constant.ToString();
    case BoundExpr::Kind::kCall:
      key = expr.function + "@" + std::to_string(expr.column_index);
      break;
    case BoundExpr::Kind::kCase:
      key = expr.has_else ? "case-else" : "case";
      break;
    case BoundExpr::Kind::kCast:
      key = "cast:" + std::string(TypeName(expr.type));
      break;
  }
  key += "(";
  for (const auto& a : expr.args) key += ExprKey(*a) + ",";
  return key + ")";
}

void CollectColumns(const BoundExpr& expr, std::vector<size_t>* out) {
  if (expr.kind == BoundExpr::Kind::kColumn) out->push_back(expr.column_index);
  for (const auto& a : expr.args) CollectColumns(*a, out);
}

void SwapJoinSides(BoundExpr* expr, size_t left_count, size_t right_count) {
  if (expr->kind == BoundExpr::Kind::kColumn) {
    const size_t i = expr->column_index;
    expr->column_index = i < left_count ? right_count + i : i - left_count;
  }
  for (auto& a : expr->args) SwapJoinSides(a.get(), left_count, right_count);
}

void ShiftColumns(BoundExpr* expr, size_t shift) {
  if (expr->kind == BoundExpr::Kind::kColumn) expr->column_index -= shift;
  for (auto& a : expr->args) ShiftColumns(a.get(), shift);
}

void SplitConjuncts(const ParsedExpr* expr, std::vector<const ParsedExpr*>* out) {
  if (expr == nullptr) return;
  if (expr->kind == ExprKind::kOperator && expr->op == "AND" && expr->children.size() == 2) {
    SplitConjuncts(expr->children[0].get(), out);
    SplitConjuncts(expr->children[1].get(), out);
    return;
  }
  out->push_back(expr);
}

bool IsAggregateName(std::string_view name) {
  return name == "count" || name == "sum" || name == "avg" || name == "min" || name == "max";
}

bool ContainsPlaceholder(const BoundExpr& expr, std::string_view placeholder) {
  if (expr.kind == BoundExpr::Kind::kCall && expr.function == placeholder) return true;
  return std::any_of(expr.args.begin(), expr.args.end(),
                     [&](const auto& a) { return ContainsPlaceholder(*a, placeholder); });
}

Status Binder::ErrorAt(const std::string& message, int location) const {
  return Status::Invalid(message + " at " + DescribePosition(sql_, location));
}

Status Binder::NotSupportedAt(const std::string& message, int location) const {
  return Status::NotImplemented(message + " is not supported (at " +
                                DescribePosition(sql_, location) + ")");
}

Result<BoundExprPtr> Binder::BindColumnRef(const ParsedExpr& expr, const ExprContext& context) {
  std::vector<std::string> names = expr.names;
  if (names.size() == 3) {
    if (!NamesEqual(names[0], tables_->database())) {
      return ErrorAt("unknown database \"" + names[0] + "\" (this lake's database is \"" +
                         tables_->database() + "\")",
                     expr.location);
    }
    names.erase(names.begin());
  }
  if (names.empty() || names.size() > 2) {
    return NotSupportedAt("the column reference " + std::to_string(names.size()) + "-part name",
                          expr.location);
  }
  const std::string& name = names.back();
  const std::string qualifier = names.size() == 2 ? names[0] : "";
  bool qualifier_seen = false;
  for (const Frame& frame : context.frames) {
    std::vector<size_t> matches;
    for (size_t i = 0; i < frame.columns->size(); ++i) {
      const ScopeColumn& c = (*frame.columns)[i];
      if (!qualifier.empty()) {
        if (!NamesEqual(c.qualifier, qualifier)) continue;
        qualifier_seen = true;
      } else if (c.hidden_unqualified) {
        continue;
      }
      if (NamesEqual(c.name, name)) matches.push_back(i);
    }
    if (matches.size() > 1) {
      return ErrorAt("column reference \"" + name + "\" is ambiguous", expr.location);
    }
    if (matches.size() == 1) {
      const ScopeColumn& c = (*frame.columns)[matches[0]];
      c.MarkUsed();
      BoundExprPtr out = BoundExpr::Column(frame.offset + matches[0], c.type, c.name);
      out->location = expr.location;
      return out;
    }
  }
  std::string shown = qualifier.empty() ? name : qualifier + "." + name;
  if (!qualifier.empty() && !qualifier_seen) {
    return ErrorAt("unknown table or alias \"" + qualifier + "\" in \"" + shown + "\"",
                   expr.location);
  }
  std::string hint;
  if (!context.frames.empty()) {
    const auto& cols = *context.frames[0].columns;
    for (size_t i = 0; i < cols.size() && i < 12; ++i) {
      hint += (i ? ", " : "") + cols[i].name;
    }
    if (cols.size() > 12) hint += ", ...";
  }
  return ErrorAt("column \"" + shown + "\" not found" +
                     (hint.empty() ? std::string() : " (available: " + hint + ")"),
                 expr.location);
}

Result<BoundExprPtr> Binder::BindLiteral(const ParsedExpr& expr) {
  const Literal& lit = expr.literal;
  switch (lit.kind) {
    case Literal::Kind::kNull: {
      auto out = BoundExpr::Constant(ScalarValue::Null(TypeId::kString));
      out->null_literal = true;
      out->location = expr.location;
      return out;
    }
    case Literal::Kind::kBoolean:
      return BoundExpr::Constant(ScalarValue{TypeId::kBoolean, lit.boolean});
    case Literal::Kind::kInteger: {
      const bool fits = lit.integer >= INT32_MIN && lit.integer <= INT32_MAX;
      return BoundExpr::Constant(ScalarValue{fits ? TypeId::kInt32 : TypeId::kInt64, lit.integer});
    }
    case Literal::Kind::kDecimal:
      return BoundExpr::Constant(ScalarValue{TypeId::kFloat64, lit.decimal});
    case Literal::Kind::kString:
      return BoundExpr::Constant(ScalarValue{TypeId::kString, lit.text});
    case Literal::Kind::kTyped: {
      STEDI_ASSIGN_OR_RETURN(TypeId type, TypeFromSqlName(lit.type_name, expr.location, sql_));
      STEDI_ASSIGN_OR_RETURN(BoundExprPtr cast,
                             BindCast(BoundExpr::Constant(ScalarValue{TypeId::kString, lit.text}),
                                      type, expr.location, sql_));
      STEDI_ASSIGN_OR_RETURN(ScalarValue value, EvaluateConstant(*cast));
      return BoundExpr::Constant(std::move(value));
    }
  }
  return ErrorAt("unknown literal", expr.location);
}

Result<BoundExprPtr> Binder::BindCase(const ParsedExpr& expr, const ExprContext& context) {
  BoundExprPtr operand;
  if (expr.case_operand) {
    STEDI_ASSIGN_OR_RETURN(operand, BindExpr(*expr.case_operand, context));
  }
  std::vector<BoundExprPtr> whens, thens;
  for (const auto& [when, then] : expr.when_then) {
    STEDI_ASSIGN_OR_RETURN(BoundExprPtr w, BindExpr(*when, context));
    if (operand) {
      std::vector<BoundExprPtr> args;
      args.push_back(operand->Clone());
      args.push_back(std::move(w));
      STEDI_ASSIGN_OR_RETURN(w, BindCall("=", std::move(args), when->location, sql_));
    } else if (w->type != TypeId::kBoolean && !w->null_literal) {
      return ErrorAt("CASE WHEN condition must be boolean, not " + std::string(TypeName(w->type)),
                     when->location);
    }
    whens.push_back(std::move(w));
    STEDI_ASSIGN_OR_RETURN(BoundExprPtr t, BindExpr(*then, context));
    thens.push_back(std::move(t));
  }
  BoundExprPtr otherwise;
  if (expr.else_result) {
    STEDI_ASSIGN_OR_RETURN(otherwise, BindExpr(*expr.else_result, context));
  }
  // The result type is the common type of every non-NULL branch.
  std::optional<TypeId> type;
  auto consider = [&](const BoundExpr& e) -> Status {
    if (e.null_literal) return Status::OK();
    if (!type) {
      type = e.type;
      return Status::OK();
    }
    Result<TypeId> common = CommonType(*type, e.type);
    if (!common.ok()) {
      return ErrorAt("CASE branches have incompatible types " + std::string(TypeName(*type)) +
                         " and " + std::string(TypeName(e.type)),
                     expr.location);
    }
    type = *common;
    return Status::OK();
  };
  for (const auto& t : thens) STEDI_RETURN_NOT_OK(consider(*t));
  if (otherwise) STEDI_RETURN_NOT_OK(consider(*otherwise));
  const TypeId result = type.value_or(TypeId::kString);
  auto out = std::make_unique<BoundExpr>();
  out->kind = BoundExpr::Kind::kCase;
  out->type = result;
  out->location = expr.location;
  for (size_t i = 0; i < whens.size(); ++i) {
    if (whens[i]->null_literal) {
      STEDI_ASSIGN_OR_RETURN(whens[i],
                             BindCast(std::move(whens[i]), TypeId::kBoolean, expr.location, sql_));
    }
    out->args.push_back(std::move(whens[i]));
    STEDI_ASSIGN_OR_RETURN(BoundExprPtr t,
                           BindCast(std::move(thens[i]), result, expr.location, sql_));
    out->args.push_back(std::move(t));
  }
  if (otherwise) {
    STEDI_ASSIGN_OR_RETURN(BoundExprPtr e,
                           BindCast(std::move(otherwise), result, expr.location, sql_));
    out->args.push_back(std::move(e));
    out->has_else = true;
  }
  return out;
}

Result<BoundExprPtr> Binder::BindFunction(const ParsedExpr& expr, const ExprContext& context) {
  const std::string& name = expr.op;
  if (expr.window) {
    if (context.windows == nullptr) {
      return ErrorAt("window function " + name + " is not allowed in " + context.clause,
                     expr.location);
    }
    WindowFunctionSpec spec;
    spec.function = name;
    if (expr.star_argument) spec.function = name == "count" ? "count_star" : name;
    if (expr.distinct) return NotSupportedAt("DISTINCT in a window function", expr.location);
    ExprContext inner = context;
    inner.windows = nullptr;
    inner.clause = "a window function";
    for (const auto& a : expr.children) {
      STEDI_ASSIGN_OR_RETURN(BoundExprPtr b, BindExpr(*a, inner));
      spec.args.push_back(std::move(b));
    }
    for (const auto& p : expr.window->partition_by) {
      STEDI_ASSIGN_OR_RETURN(BoundExprPtr b, BindExpr(*p, inner));
      spec.partition_by.push_back(std::move(b));
    }
    for (const OrderItem& o : expr.window->order_by) {
      SortKey key;
      STEDI_ASSIGN_OR_RETURN(key.expr, BindExpr(*o.expr, inner));
      key.descending = o.descending;
      key.nulls_first = o.nulls_first.value_or(false);
      spec.order_by.push_back(std::move(key));
    }
    const std::string& f = spec.function;
    if (f == "row_number" || f == "rank" || f == "dense_rank") {
      if (!spec.args.empty()) return ErrorAt(f + "() takes no arguments", expr.location);
      spec.result_type = TypeId::kInt64;
    } else if (f == "lag" || f == "lead") {
      if (spec.args.empty() || spec.args.size() > 3) {
        return ErrorAt(f + " takes 1 to 3 arguments", expr.location);
      }
      spec.result_type = spec.args[0]->type;
      if (spec.args.size() == 3) {
        STEDI_ASSIGN_OR_RETURN(
            spec.args[2], BindCast(std::move(spec.args[2]), spec.result_type, expr.location, sql_));
      }
    } else if (f == "count_star" || IsAggregateName(f)) {
      if (f != "count_star" && spec.args.size() != 1) {
        return ErrorAt(f + " takes one argument", expr.location);
      }
      STEDI_ASSIGN_OR_RETURN(
          spec.result_type,
          AggregateResultType(f, spec.args.empty() ? TypeId::kInt64 : spec.args[0]->type));
    } else {
      return NotSupportedAt("window function " + name, expr.location);
    }
    auto placeholder = std::make_unique<BoundExpr>();
    placeholder->kind = BoundExpr::Kind::kCall;
    placeholder->function = kWindowPlaceholder;
    placeholder->type = spec.result_type;
    placeholder->location = expr.location;
    placeholder->column_index = context.windows->specs.size();
    context.windows->specs.push_back(std::move(spec));
    return placeholder;
  }
  if (IsAggregateName(name)) {
    if (context.aggregates == nullptr) {
      return ErrorAt("aggregate function " + name + " is not allowed in " + context.clause,
                     expr.location);
    }
    AggregateSpec spec;
    spec.distinct = expr.distinct;
    if (expr.star_argument) {
      if (name != "count") return ErrorAt(name + "(*) is not valid", expr.location);
      spec.function = "count_star";
    } else {
      if (expr.children.size() != 1) {
        return ErrorAt(name + " takes exactly one argument", expr.location);
      }
      spec.function = name;
      ExprContext inner = context;
      inner.aggregates = nullptr;
      inner.windows = nullptr;
      inner.clause = "an aggregate's argument";
      STEDI_ASSIGN_OR_RETURN(spec.arg, BindExpr(*expr.children[0], inner));
    }
    Result<TypeId> type =
        AggregateResultType(spec.function, spec.arg ? spec.arg->type : TypeId::kInt64);
    if (!type.ok()) return ErrorAt(type.status().message(), expr.location);
    spec.result_type = *type;
    const std::string key = spec.function + (spec.distinct ? " distinct " : " ") +
                            (spec.arg ? ExprKey(*spec.arg) : std::string("*"));
    auto placeholder = std::make_unique<BoundExpr>();
    placeholder->kind = BoundExpr::Kind::kCall;
    placeholder->function = kAggregatePlaceholder;
    placeholder->type = spec.result_type;
    placeholder->location = expr.location;
    auto& keys = context.aggregates->keys;
    auto it = std::find(keys.begin(), keys.end(), key);
    if (it != keys.end()) {
      placeholder->column_index = static_cast<size_t>(it - keys.begin());
    } else {
      placeholder->column_index = keys.size();
      keys.push_back(key);
      context.aggregates->specs.push_back(std::move(spec));
    }
    return placeholder;
  }
  if (expr.distinct || expr.star_argument) {
    return ErrorAt(name + (expr.distinct ? "(DISTINCT ...)" : "(*)") + " is not valid",
                   expr.location);
  }
  std::vector<BoundExprPtr> args;
  for (const auto& a : expr.children) {
    STEDI_ASSIGN_OR_RETURN(BoundExprPtr b, BindExpr(*a, context));
    args.push_back(std::move(b));
  }
  return BindCall(name, std::move(args), expr.location, sql_);
}

Result<BoundExprPtr> Binder::BindScalarSubquery(const ParsedExpr& expr) {
  // Uncorrelated scalar subqueries run once, now, and become a constant.
  Result<Relation> sub = BindStatement(*expr.subquery);
  if (!sub.ok()) return sub.status();
  if (sub->columns.size() != 1) {
    return ErrorAt(
        "a scalar subquery must return one column, not " + std::to_string(sub->columns.size()),
        expr.location);
  }
  std::optional<ScalarValue> value;
  while (true) {
    STEDI_ASSIGN_OR_RETURN(std::optional<Batch> batch, sub->op->Next());
    if (!batch) break;
    if (value || batch->num_rows() > 1) {
      return ErrorAt("a scalar subquery returned more than one row", expr.location);
    }
    value = ScalarValue::FromColumn(batch->column(0), 0);
  }
  auto out = BoundExpr::Constant(value.value_or(ScalarValue::Null(sub->columns[0].type)));
  out->type = sub->columns[0].type;
  out->location = expr.location;
  return out;
}

Result<BoundExprPtr> Binder::BindExpr(const ParsedExpr& expr, const ExprContext& context) {
  auto call = [&](const char* function, std::vector<BoundExprPtr> args) {
    return BindCall(function, std::move(args), expr.location, sql_);
  };
  auto bind_children = [&]() -> Result<std::vector<BoundExprPtr>> {
    std::vector<BoundExprPtr> args;
    for (const auto& c : expr.children) {
      STEDI_ASSIGN_OR_RETURN(BoundExprPtr b, BindExpr(*c, context));
      args.push_back(std::move(b));
    }
    return args;
  };
  auto negate_if = [&](Result<BoundExprPtr> inner, bool negated) -> Result<BoundExprPtr> {
    if (!inner.ok() || !negated) return inner;
    std::vector<BoundExprPtr> args;
    args.push_back(std::move(*inner));
    return call("not", std::move(args));
  };
  switch (expr.kind) {
    case ExprKind::kColumnRef:
      return BindColumnRef(expr, context);
    case ExprKind::kStar:
      return ErrorAt("* is only allowed in a SELECT list or count(*)", expr.location);
    case ExprKind::kLiteral: {
      STEDI_ASSIGN_OR_RETURN(BoundExprPtr out, BindLiteral(expr));
      out->location = expr.location;
      return out;
    }
    case ExprKind::kOperator: {
      STEDI_ASSIGN_OR_RETURN(std::vector<BoundExprPtr> args, bind_children());
      std::string op = expr.op;
      if (op == "-" && args.size() == 1) op = "negate";
      if (op == "+" && args.size() == 1) return std::move(args[0]);
      if (op == "AND") op = "and";
      if (op == "OR") op = "or";
      if (op == "NOT") op = "not";
      if (op == "||") op = "concat";
      if (op == "!=") op = "<>";
      return BindCall(op, std::move(args), expr.location, sql_);
    }
    case ExprKind::kFunction:
      return BindFunction(expr, context);
    case ExprKind::kCase:
      return BindCase(expr, context);
    case ExprKind::kCast: {
      STEDI_ASSIGN_OR_RETURN(std::vector<BoundExprPtr> args, bind_children());
      STEDI_ASSIGN_OR_RETURN(TypeId type, TypeFromSqlName(expr.type_name, expr.location, sql_));
      return BindCast(std::move(args[0]), type, expr.location, sql_);
    }
    case ExprKind::kIsNull: {
      STEDI_ASSIGN_OR_RETURN(std::vector<BoundExprPtr> args, bind_children());
      return call(expr.negated ? "is_not_null" : "is_null", std::move(args));
    }
    case ExprKind::kBetween: {
      STEDI_ASSIGN_OR_RETURN(std::vector<BoundExprPtr> args, bind_children());
      std::vector<BoundExprPtr> low, high;
      low.push_back(args[0]->Clone());
      low.push_back(std::move(args[1]));
      high.push_back(std::move(args[0]));
      high.push_back(std::move(args[2]));
      STEDI_ASSIGN_OR_RETURN(BoundExprPtr ge, call(">=", std::move(low)));
      STEDI_ASSIGN_OR_RETURN(BoundExprPtr le, call("<=", std::move(high)));
      std::vector<BoundExprPtr> both;
      both.push_back(std::move(ge));
      both.push_back(std::move(le));
      return negate_if(call("and", std::move(both)), expr.negated);
    }
    case ExprKind::kLike: {
      STEDI_ASSIGN_OR_RETURN(std::vector<BoundExprPtr> args, bind_children());
      return negate_if(call("like", std::move(args)), expr.negated);
    }
    case ExprKind::kInList: {
      STEDI_ASSIGN_OR_RETURN(std::vector<BoundExprPtr> args, bind_children());
      return negate_if(call("in", std::move(args)), expr.negated);
    }
    case ExprKind::kInSubquery:
    case ExprKind::kExists:
      return NotSupportedAt(
          std::string(expr.kind == ExprKind::kExists ? "EXISTS" : "IN (subquery)") +
              " other than as a condition joined by AND in WHERE",
          expr.location);
    case ExprKind::kSubquery:
      return BindScalarSubquery(expr);
  }
  return ErrorAt("unknown expression", expr.location);
}

}  // namespace stedi::sql
