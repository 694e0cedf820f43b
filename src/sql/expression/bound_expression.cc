#include "sql/expression/bound_expression.h"

namespace stedi::sql {

std::unique_ptr<BoundExpr> BoundExpr::Column(size_t index, TypeId type, std::string name) {
  auto e = std::make_unique<BoundExpr>();
  e->kind = Kind::kColumn;
  e->type = type;
  e->column_index = index;
  e->column_name = std::move(name);
  return e;
}

std::unique_ptr<BoundExpr> BoundExpr::Constant(ScalarValue value) {
  auto e = std::make_unique<BoundExpr>();
  e->kind = Kind::kConstant;
  e->type = value.type;
  e->constant = std::move(value);
  return e;
}

std::unique_ptr<BoundExpr> BoundExpr::Clone() const {
  auto e = std::make_unique<BoundExpr>();
  e->kind = kind;
  e->type = type;
  e->location = location;
  e->column_index = column_index;
  e->column_name = column_name;
  e->constant = constant;
  e->null_literal = null_literal;
  e->function = function;
  e->has_else = has_else;
  e->args.reserve(args.size());
  for (const auto& a : args) e->args.push_back(a->Clone());
  return e;
}

namespace {

bool IsInfix(const std::string& f) {
  return f == "+" || f == "-" || f == "*" || f == "/" || f == "%" || f == "=" || f == "<>" ||
         f == "<" || f == "<=" || f == ">" || f == ">=" || f == "and" || f == "or";
}

}  // namespace

std::string BoundExpr::ToString() const {
  switch (kind) {
    case Kind::kColumn:
      return column_name.empty() ? "#" + std::to_string(column_index) : column_name;
    case Kind::kConstant:
      return constant.ToString();
    case Kind::kCast:
      return "CAST(" + args[0]->ToString() + " AS " + std::string(TypeName(type)) + ")";
    case Kind::kCase: {
      std::string out = "CASE";
      const size_t pairs = (args.size() - (has_else ? 1 : 0)) / 2;
      for (size_t i = 0; i < pairs; ++i) {
        out += " WHEN " + args[2 * i]->ToString() + " THEN " + args[2 * i + 1]->ToString();
      }
      if (has_else) out += " ELSE " + args.back()->ToString();
      return out + " END";
    }
    case Kind::kCall:
      break;
  }
  if (IsInfix(function) && args.size() == 2) {
    std::string op = function == "and" ? "AND" : function == "or" ? "OR" : function;
    return "(" + args[0]->ToString() + " " + op + " " + args[1]->ToString() + ")";
  }
  if (function == "not" && args.size() == 1) return "(NOT " + args[0]->ToString() + ")";
  if (function == "negate" && args.size() == 1) return "(- " + args[0]->ToString() + ")";
  if (function == "is_null" && args.size() == 1) return "(" + args[0]->ToString() + " IS NULL)";
  if (function == "is_not_null" && args.size() == 1) {
    return "(" + args[0]->ToString() + " IS NOT NULL)";
  }
  if (function == "like" && args.size() == 2) {
    return "(" + args[0]->ToString() + " LIKE " + args[1]->ToString() + ")";
  }
  if (function == "in" && !args.empty()) {
    std::string out = "(" + args[0]->ToString() + " IN (";
    for (size_t i = 1; i < args.size(); ++i) out += (i > 1 ? ", " : "") + args[i]->ToString();
    return out + "))";
  }
  if (function == "current_timestamp") return "current_timestamp";
  std::string out = function + "(";
  for (size_t i = 0; i < args.size(); ++i) out += (i > 0 ? ", " : "") + args[i]->ToString();
  return out + ")";
}

}  // namespace stedi::sql
