#include <string_view>

#include "sql/expression/operand.h"

namespace stedi::sql {

namespace {

template <typename T>
Column CompareFixed(std::string_view op, const Operand& a, const Operand& b, size_t rows) {
  const FixedInput<T> ia = ToFixedInput<T>(a);
  const FixedInput<T> ib = ToFixedInput<T>(b);
  std::vector<uint8_t> out(rows);
  uint8_t* o = out.data();
  if (op == "=") {
    BinaryLoop(ia, ib, rows, o, [](T x, T y) -> uint8_t { return x == y; });
  } else if (op == "<>") {
    BinaryLoop(ia, ib, rows, o, [](T x, T y) -> uint8_t { return x != y; });
  } else if (op == "<") {
    BinaryLoop(ia, ib, rows, o, [](T x, T y) -> uint8_t { return x < y; });
  } else if (op == "<=") {
    BinaryLoop(ia, ib, rows, o, [](T x, T y) -> uint8_t { return x <= y; });
  } else if (op == ">") {
    BinaryLoop(ia, ib, rows, o, [](T x, T y) -> uint8_t { return x > y; });
  } else {
    BinaryLoop(ia, ib, rows, o, [](T x, T y) -> uint8_t { return x >= y; });
  }
  return BuildFixed(TypeId::kBoolean, out, MergeValidity(ia.valid, ib.valid, rows));
}

// Strings compare bytewise (string_view compares as unsigned char), as Athena does.
template <typename Op>
void StringLoop(const Operand& a, const Operand& b, size_t rows, uint8_t* out, Op op) {
  if (a.is_scalar()) {
    const std::string_view x = std::get<std::string>(a.scalar->value);
    for (size_t i = 0; i < rows; ++i) out[i] = op(x, b.column->GetString(i));
  } else if (b.is_scalar()) {
    const std::string_view y = std::get<std::string>(b.scalar->value);
    for (size_t i = 0; i < rows; ++i) out[i] = op(a.column->GetString(i), y);
  } else {
    for (size_t i = 0; i < rows; ++i) out[i] = op(a.column->GetString(i), b.column->GetString(i));
  }
}

Column CompareStrings(std::string_view op, const Operand& a, const Operand& b, size_t rows) {
  using SV = std::string_view;
  std::vector<uint8_t> out(rows);
  uint8_t* o = out.data();
  if (op == "=") {
    StringLoop(a, b, rows, o, [](SV x, SV y) -> uint8_t { return x == y; });
  } else if (op == "<>") {
    StringLoop(a, b, rows, o, [](SV x, SV y) -> uint8_t { return x != y; });
  } else if (op == "<") {
    StringLoop(a, b, rows, o, [](SV x, SV y) -> uint8_t { return x < y; });
  } else if (op == "<=") {
    StringLoop(a, b, rows, o, [](SV x, SV y) -> uint8_t { return x <= y; });
  } else if (op == ">") {
    StringLoop(a, b, rows, o, [](SV x, SV y) -> uint8_t { return x > y; });
  } else {
    StringLoop(a, b, rows, o, [](SV x, SV y) -> uint8_t { return x >= y; });
  }
  return BuildFixed(TypeId::kBoolean, out, MergeValidity(ValidityOf(a), ValidityOf(b), rows));
}

TypeId OperandType(const Operand& o) { return o.is_scalar() ? o.scalar->type : o.column->type(); }

}  // namespace

Result<Operand> EvaluateComparison(std::string_view op, Operand& left, Operand& right,
                                   size_t rows) {
  if ((left.is_scalar() && left.scalar->is_null()) ||
      (right.is_scalar() && right.scalar->is_null())) {
    return Operand::Scalar(ScalarValue::Null(TypeId::kBoolean));
  }
  if (left.is_scalar() && right.is_scalar()) Materialize(left, rows);
  const TypeId type = OperandType(left);
  if (type != OperandType(right)) {
    return Status::Internal("comparison " + std::string(op) + " of " + std::string(TypeName(type)) +
                            " with " + std::string(TypeName(OperandType(right))) +
                            " was not bound");
  }
  switch (type) {
    case TypeId::kBoolean:
      return Operand::Owned(CompareFixed<uint8_t>(op, left, right, rows));
    case TypeId::kInt32:
    case TypeId::kDate:
      return Operand::Owned(CompareFixed<int32_t>(op, left, right, rows));
    case TypeId::kInt64:
    case TypeId::kTimestamp:
      return Operand::Owned(CompareFixed<int64_t>(op, left, right, rows));
    case TypeId::kFloat64:
      return Operand::Owned(CompareFixed<double>(op, left, right, rows));
    case TypeId::kString:
    case TypeId::kBinary:
      return Operand::Owned(CompareStrings(op, left, right, rows));
  }
  return Status::Internal("comparison of an unknown type");
}

}  // namespace stedi::sql
