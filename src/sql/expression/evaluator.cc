#include "sql/expression/evaluator.h"

#include <algorithm>
#include <numeric>
#include <unordered_set>

#include "columnar/column_kernels.h"
#include "sql/expression/operand.h"

namespace stedi::sql {

const Column& Materialize(Operand& operand, size_t rows) {
  if (operand.is_scalar()) {
    operand.owned = std::make_shared<Column>(operand.scalar->ToColumn(rows));
    operand.column = operand.owned.get();
    operand.scalar.reset();
  }
  return *operand.column;
}

std::string LocationSuffix(const BoundExpr& expr) {
  return expr.location >= 0 ? " at offset " + std::to_string(expr.location) : "";
}

namespace {

Result<Operand> Eval(const BoundExpr& e, const Batch& input);

bool IsOneOf(const std::string& f, std::initializer_list<std::string_view> names) {
  for (std::string_view n : names) {
    if (f == n) return true;
  }
  return false;
}

// Row result of `x IN (constants)`: true when found; when not found NULL if the list holds a
// NULL, else false; NULL when x is NULL.
template <typename Contains>
Column InConstantList(const Column& value, bool list_has_null, Contains contains) {
  const size_t rows = value.size();
  std::vector<uint8_t> out(rows);
  std::vector<uint8_t> valid;
  if (list_has_null || value.null_count() > 0) valid.assign(rows, 1);
  for (size_t i = 0; i < rows; ++i) {
    if (value.IsNull(i)) {
      valid[i] = 0;
      continue;
    }
    out[i] = contains(i) ? 1 : 0;
    if (!out[i] && list_has_null) valid[i] = 0;
  }
  return BuildFixed(TypeId::kBoolean, out, valid);
}

template <typename T>
Column InFixedList(const Column& value, const std::vector<Operand>& items) {
  std::vector<T> list;
  bool has_null = false;
  for (size_t i = 1; i < items.size(); ++i) {
    if (items[i].scalar->is_null()) {
      has_null = true;
    } else {
      list.push_back(ScalarAs<T>(*items[i].scalar));
    }
  }
  std::sort(list.begin(), list.end());
  const uint8_t* data = value.values().data();
  return InConstantList(value, has_null, [&](size_t i) {
    return std::binary_search(list.begin(), list.end(), LoadRaw<T>(data, i));
  });
}

Column InStringList(const Column& value, const std::vector<Operand>& items) {
  std::unordered_set<std::string_view> list;
  bool has_null = false;
  for (size_t i = 1; i < items.size(); ++i) {
    if (items[i].scalar->is_null()) {
      has_null = true;
    } else {
      list.insert(std::get<std::string>(items[i].scalar->value));
    }
  }
  return InConstantList(value, has_null,
                        [&](size_t i) { return list.count(value.GetString(i)) > 0; });
}

Result<Operand> EvalIn(std::vector<Operand>& args, size_t rows) {
  bool constant_list = !args[0].is_scalar();
  for (size_t i = 1; i < args.size() && constant_list; ++i) constant_list = args[i].is_scalar();
  if (constant_list) {
    // The common shape, a column against literals, is one pass with a lookup per row.
    const Column& value = *args[0].column;
    switch (value.type()) {
      case TypeId::kInt32:
      case TypeId::kDate:
        return Operand::Owned(InFixedList<int32_t>(value, args));
      case TypeId::kInt64:
      case TypeId::kTimestamp:
        return Operand::Owned(InFixedList<int64_t>(value, args));
      case TypeId::kString:
      case TypeId::kBinary:
        return Operand::Owned(InStringList(value, args));
      default:
        break;  // doubles (NaN never equals) and booleans take the general path
    }
  }
  // x IN (a, b) is x = a OR x = b, which gives NULL exactly when nothing matched and the value
  // or an item is NULL, as SQL requires.
  STEDI_ASSIGN_OR_RETURN(Operand acc, EvaluateComparison("=", args[0], args[1], rows));
  for (size_t i = 2; i < args.size(); ++i) {
    STEDI_ASSIGN_OR_RETURN(Operand eq, EvaluateComparison("=", args[0], args[i], rows));
    acc = OrOperands(acc, eq, rows);
  }
  return acc;
}

Column EvalCoalesce(TypeId type, std::vector<Operand>& args, size_t rows) {
  std::vector<const Column*> columns;
  for (Operand& a : args) columns.push_back(&Materialize(a, rows));
  ColumnBuilder out(type);
  out.Reserve(rows);
  for (size_t row = 0; row < rows; ++row) {
    const Column* chosen = nullptr;
    for (const Column* c : columns) {
      if (!c->IsNull(row)) {
        chosen = c;
        break;
      }
    }
    if (chosen == nullptr) {
      out.AppendNull();
    } else {
      out.AppendFrom(*chosen, row);
    }
  }
  return out.Finish();
}

// greatest/least as Presto: NULL when any argument is NULL. Folds pairwise with comparisons
// so every type shares one code path.
Result<Operand> EvalGreatestLeast(bool greatest, std::vector<Operand>& args, size_t rows) {
  Operand acc = std::move(args[0]);
  for (size_t i = 1; i < args.size(); ++i) {
    STEDI_ASSIGN_OR_RETURN(Operand take,
                           EvaluateComparison(greatest ? ">" : "<", args[i], acc, rows));
    const Column& t = Materialize(take, rows);
    const Column& a = Materialize(acc, rows);
    const Column& b = Materialize(args[i], rows);
    ColumnBuilder out(a.type());
    out.Reserve(rows);
    for (size_t row = 0; row < rows; ++row) {
      if (a.IsNull(row) || b.IsNull(row)) {
        out.AppendNull();
      } else {
        out.AppendFrom(t.GetBool(row) ? b : a, row);
      }
    }
    acc = Operand::Owned(out.Finish());
  }
  return acc;
}

Result<Column> EvalNullIf(std::vector<Operand>& args, size_t rows) {
  STEDI_ASSIGN_OR_RETURN(Operand eq, EvaluateComparison("=", args[0], args[1], rows));
  const Column& equal = Materialize(eq, rows);
  const Column& value = Materialize(args[0], rows);
  ColumnBuilder out(value.type());
  out.Reserve(rows);
  for (size_t row = 0; row < rows; ++row) {
    if (!equal.IsNull(row) && equal.GetBool(row)) {
      out.AppendNull();
    } else {
      out.AppendFrom(value, row);
    }
  }
  return out.Finish();
}

Result<Operand> EvalCall(const BoundExpr& e, std::vector<Operand>& args, size_t rows) {
  const std::string& f = e.function;
  if (IsOneOf(f, {"+", "-", "*", "/", "%", "negate"})) return EvaluateArithmetic(e, args, rows);
  if (IsOneOf(f, {"=", "<>", "<", "<=", ">", ">="})) {
    return EvaluateComparison(f, args[0], args[1], rows);
  }
  if (IsOneOf(f, {"and", "or", "not", "is_null", "is_not_null"})) {
    return EvaluateLogic(e, args, rows);
  }
  if (f == "in") return EvalIn(args, rows);
  if (f == "coalesce") return Operand::Owned(EvalCoalesce(e.type, args, rows));
  if (f == "greatest" || f == "least") return EvalGreatestLeast(f == "greatest", args, rows);
  if (f == "current_timestamp") return std::move(args[0]);
  Result<Column> column = Status::Internal("unset");
  if (f == "nullif") {
    column = EvalNullIf(args, rows);
  } else if (IsOneOf(f, {"like", "concat", "lower", "upper", "length", "substr", "trim", "ltrim",
                         "rtrim", "replace", "strpos"})) {
    column = EvaluateStringFunction(e, args, rows);
  } else if (IsOneOf(f, {"round", "abs", "floor", "ceil", "sqrt", "power", "ln", "exp", "log10",
                         "log2", "sign"})) {
    column = EvaluateMathFunction(e, args, rows);
  } else if (IsOneOf(f, {"from_unixtime", "to_unixtime", "date_trunc", "date_format", "date_add",
                         "date_diff", "year", "quarter", "month", "day", "hour", "minute", "second",
                         "day_of_week", "day_of_year"})) {
    column = EvaluateTimeFunction(e, args, rows);
  } else {
    return Status::Invalid("unknown function " + f + LocationSuffix(e));
  }
  if (!column.ok()) return column.status();
  return Operand::Owned(column.MoveValue());
}

void MarkColumns(const BoundExpr& e, std::vector<bool>& used) {
  if (e.kind == BoundExpr::Kind::kColumn && e.column_index < used.size()) {
    used[e.column_index] = true;
  }
  for (const auto& a : e.args) MarkColumns(*a, used);
}

// Gathers ROWS of the columns the CASE reads; the others stay empty, as nothing looks at them.
Batch TakeUsed(const Batch& input, const std::vector<uint32_t>& rows,
               const std::vector<bool>& used) {
  std::vector<Column> columns;
  columns.reserve(input.num_columns());
  for (size_t i = 0; i < input.num_columns(); ++i) {
    columns.push_back(used[i] ? TakeColumn(input.column(i), rows) : Column(input.column(i).type()));
  }
  return Batch(input.schema(), std::move(columns), rows.size());
}

// CASE evaluates each THEN only on the rows its WHEN selected, so that
// `CASE WHEN b <> 0 THEN a / b END` never divides by zero.
Result<Operand> EvalCase(const BoundExpr& e, const Batch& input) {
  const size_t rows = input.num_rows();
  const size_t pairs = (e.args.size() - (e.has_else ? 1 : 0)) / 2;
  std::vector<uint32_t> remaining(rows);
  std::iota(remaining.begin(), remaining.end(), 0);
  std::vector<int32_t> branch_of(rows, -1);
  std::vector<uint32_t> index_in_branch(rows, 0);
  std::vector<Column> outputs;
  std::vector<bool> used(input.num_columns(), false);
  MarkColumns(e, used);
  auto run_branch = [&](const BoundExpr& branch, const Batch& rows_batch,
                        const std::vector<uint32_t>& global_rows) -> Status {
    STEDI_ASSIGN_OR_RETURN(Operand value, Eval(branch, rows_batch));
    Column c = Materialize(value, global_rows.size());
    if (c.type() != e.type) {
      return Status::Internal("CASE branch " + branch.ToString() + " is not " +
                              std::string(TypeName(e.type)));
    }
    for (size_t k = 0; k < global_rows.size(); ++k) {
      branch_of[global_rows[k]] = static_cast<int32_t>(outputs.size());
      index_in_branch[global_rows[k]] = static_cast<uint32_t>(k);
    }
    outputs.push_back(std::move(c));
    return Status::OK();
  };
  for (size_t p = 0; p < pairs && !remaining.empty(); ++p) {
    const bool all = remaining.size() == rows;
    Batch subset = all ? Batch() : TakeUsed(input, remaining, used);
    const Batch& current = all ? input : subset;
    STEDI_ASSIGN_OR_RETURN(Operand when, Eval(*e.args[2 * p], current));
    const Column& w = Materialize(when, remaining.size());
    std::vector<uint32_t> matched_local, matched_global, unmatched_global;
    for (size_t k = 0; k < remaining.size(); ++k) {
      if (!w.IsNull(k) && w.GetBool(k)) {
        matched_local.push_back(static_cast<uint32_t>(k));
        matched_global.push_back(remaining[k]);
      } else {
        unmatched_global.push_back(remaining[k]);
      }
    }
    if (!matched_local.empty()) {
      const bool every = matched_local.size() == remaining.size();
      Batch chosen = every ? Batch() : TakeUsed(current, matched_local, used);
      STEDI_RETURN_NOT_OK(run_branch(*e.args[2 * p + 1], every ? current : chosen, matched_global));
    }
    remaining = std::move(unmatched_global);
  }
  if (e.has_else && !remaining.empty()) {
    const bool all = remaining.size() == rows;
    Batch subset = all ? Batch() : TakeUsed(input, remaining, used);
    STEDI_RETURN_NOT_OK(run_branch(*e.args.back(), all ? input : subset, remaining));
  }
  ColumnBuilder out(e.type);
  out.Reserve(rows);
  for (size_t row = 0; row < rows; ++row) {
    if (branch_of[row] < 0) {
      out.AppendNull();
    } else {
      out.AppendFrom(outputs[branch_of[row]], index_in_branch[row]);
    }
  }
  return Operand::Owned(out.Finish());
}

Result<Operand> Eval(const BoundExpr& e, const Batch& input) {
  const size_t rows = input.num_rows();
  switch (e.kind) {
    case BoundExpr::Kind::kColumn: {
      if (e.column_index >= input.num_columns()) {
        return Status::Internal("column " + e.ToString() + " (#" + std::to_string(e.column_index) +
                                ") is not in the input of " + std::to_string(input.num_columns()) +
                                " columns");
      }
      const Column& c = input.column(e.column_index);
      if (c.type() != e.type) {
        return Status::Internal("column " + e.ToString() + " is " +
                                std::string(TypeName(c.type())) + ", bound as " +
                                std::string(TypeName(e.type)));
      }
      return Operand::Borrowed(c);
    }
    case BoundExpr::Kind::kConstant: {
      ScalarValue v = e.constant;
      v.type = e.type;
      return Operand::Scalar(std::move(v));
    }
    case BoundExpr::Kind::kCase:
      return EvalCase(e, input);
    case BoundExpr::Kind::kCast:
    case BoundExpr::Kind::kCall:
      break;
  }
  std::vector<Operand> args;
  args.reserve(e.args.size());
  bool all_scalar = true;
  for (const auto& a : e.args) {
    STEDI_ASSIGN_OR_RETURN(Operand o, Eval(*a, input));
    all_scalar &= o.is_scalar();
    args.push_back(std::move(o));
  }
  // A call on constants only is computed once, on one row, and stays a constant.
  const size_t n = all_scalar ? 1 : rows;
  Operand result;
  if (e.kind == BoundExpr::Kind::kCast) {
    if (args.size() != 1) return Status::Internal("CAST needs one argument");
    if (args[0].is_scalar() && args[0].scalar->is_null()) {
      return Operand::Scalar(ScalarValue::Null(e.type));
    }
    STEDI_ASSIGN_OR_RETURN(Column c, CastColumn(Materialize(args[0], n), e.type, e));
    result = Operand::Owned(std::move(c));
  } else {
    STEDI_ASSIGN_OR_RETURN(result, EvalCall(e, args, n));
  }
  if (all_scalar && !result.is_scalar()) {
    return Operand::Scalar(ScalarValue::FromColumn(*result.column, 0));
  }
  return result;
}

}  // namespace

Result<Column> Evaluate(const BoundExpr& expr, const Batch& input) {
  STEDI_ASSIGN_OR_RETURN(Operand result, Eval(expr, input));
  if (result.is_scalar()) return result.scalar->ToColumn(input.num_rows());
  if (result.owned && result.owned.use_count() == 1) return std::move(*result.owned);
  return *result.column;
}

Result<ScalarValue> EvaluateConstant(const BoundExpr& expr) {
  const Batch one_row(nullptr, {}, 1);
  STEDI_ASSIGN_OR_RETURN(Operand result, Eval(expr, one_row));
  if (result.is_scalar()) return *result.scalar;
  return ScalarValue::FromColumn(*result.column, 0);
}

Result<std::vector<uint32_t>> EvaluateFilter(const BoundExpr& predicate, const Batch& input) {
  // WHERE NULL keeps nothing, whatever type the untyped NULL was given.
  if (predicate.kind == BoundExpr::Kind::kConstant && predicate.constant.is_null()) {
    return std::vector<uint32_t>();
  }
  if (predicate.type != TypeId::kBoolean) {
    return Status::Invalid("filter " + predicate.ToString() + " is " +
                           std::string(TypeName(predicate.type)) + ", not boolean" +
                           LocationSuffix(predicate));
  }
  STEDI_ASSIGN_OR_RETURN(Operand result, Eval(predicate, input));
  const size_t rows = input.num_rows();
  std::vector<uint32_t> selected;
  if (result.is_scalar()) {
    const ScalarValue& v = *result.scalar;
    if (!v.is_null() && std::get<bool>(v.value)) {
      selected.resize(rows);
      std::iota(selected.begin(), selected.end(), 0);
    }
    return selected;
  }
  const Column& c = *result.column;
  const uint8_t* values = c.values().data();
  const uint8_t* valid = c.validity().empty() ? nullptr : c.validity().data();
  selected.reserve(rows);
  for (size_t i = 0; i < rows; ++i) {
    const bool keep = values[i] != 0 && (valid == nullptr || valid[i] != 0);
    if (keep) selected.push_back(static_cast<uint32_t>(i));
  }
  return selected;
}

}  // namespace stedi::sql
