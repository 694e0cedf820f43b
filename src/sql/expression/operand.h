#pragma once

#include <cstring>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "columnar/column.h"
#include "sql/expression/bound_expression.h"
#include "sql/expression/scalar_value.h"
#include "status/result.h"

namespace stedi::sql {

// Internals of the evaluator shared by its kernel files (not part of the public interface).

/// An evaluated argument: a whole column (borrowed from the input or owned), or one constant
/// that stands for every row so kernels can loop column-against-constant.
struct Operand {
  std::shared_ptr<Column> owned;
  const Column* column = nullptr;
  std::optional<ScalarValue> scalar;

  bool is_scalar() const { return scalar.has_value(); }
  static Operand Owned(Column c) {
    Operand o;
    o.owned = std::make_shared<Column>(std::move(c));
    o.column = o.owned.get();
    return o;
  }
  static Operand Borrowed(const Column& c) {
    Operand o;
    o.column = &c;
    return o;
  }
  static Operand Scalar(ScalarValue v) {
    Operand o;
    o.scalar = std::move(v);
    return o;
  }
};

/// Returns OPERAND as a column of ROWS rows, broadcasting a constant (kept in OPERAND).
const Column& Materialize(Operand& operand, size_t rows);

/// Returns " at offset N" for EXPR's location (the evaluator does not see the SQL text).
std::string LocationSuffix(const BoundExpr& expr);

/// Appends V to OUT, choosing the builder call for T's width.
template <typename T>
inline void AppendValue(ColumnBuilder& out, T v) {
  if constexpr (std::is_same_v<T, uint8_t> || std::is_same_v<T, bool>) {
    out.AppendBool(v != 0);
  } else if constexpr (std::is_same_v<T, int32_t>) {
    out.AppendInt32(v);
  } else if constexpr (std::is_same_v<T, int64_t>) {
    out.AppendInt64(v);
  } else {
    out.AppendDouble(v);
  }
}

/// Builds a column of TYPE from VALUES; VALID (one byte per row, or empty = no nulls).
template <typename T>
Column BuildFixed(TypeId type, const std::vector<T>& values, const std::vector<uint8_t>& valid) {
  ColumnBuilder out(type);
  out.Reserve(values.size());
  if (valid.empty()) {
    for (const T& v : values) AppendValue(out, v);
  } else {
    for (size_t i = 0; i < values.size(); ++i) {
      if (valid[i]) {
        AppendValue(out, values[i]);
      } else {
        out.AppendNull();
      }
    }
  }
  return out.Finish();
}

/// Reads the raw value of row I of a fixed-width column's buffer.
template <typename T>
inline T LoadRaw(const uint8_t* data, size_t i) {
  T v;
  std::memcpy(&v, data + i * sizeof(T), sizeof(T));
  return v;
}

// Kernel families. Each gets the evaluated ARGS of CALL (a kCall) and ROWS, the batch length.
Result<Operand> EvaluateArithmetic(const BoundExpr& call, std::vector<Operand>& args, size_t rows);
Result<Operand> EvaluateComparison(std::string_view op, Operand& left, Operand& right, size_t rows);
Result<Operand> EvaluateLogic(const BoundExpr& call, std::vector<Operand>& args, size_t rows);
Result<Column> EvaluateStringFunction(const BoundExpr& call, std::vector<Operand>& args,
                                      size_t rows);
Result<Column> EvaluateMathFunction(const BoundExpr& call, std::vector<Operand>& args, size_t rows);
Result<Column> EvaluateTimeFunction(const BoundExpr& call, std::vector<Operand>& args, size_t rows);
/// Converts INPUT to TO; CAST_EXPR gives the position for errors naming a bad value.
Result<Column> CastColumn(const Column& input, TypeId to, const BoundExpr& cast_expr);

/// Three-valued OR / AND of two boolean operands.
Operand OrOperands(Operand& a, Operand& b, size_t rows);
Operand AndOperands(Operand& a, Operand& b, size_t rows);

}  // namespace stedi::sql

namespace stedi::sql {

/// One side of a fixed-width binary kernel: a column's raw buffers or a constant.
template <typename T>
struct FixedInput {
  const uint8_t* data = nullptr;
  const uint8_t* valid = nullptr;  // null when the column has no nulls
  T scalar{};
  bool is_scalar = false;
};

/// Returns the value of a non-null scalar as the physical type T.
template <typename T>
T ScalarAs(const ScalarValue& v) {
  if (const auto* b = std::get_if<bool>(&v.value)) return static_cast<T>(*b ? 1 : 0);
  if (const auto* i = std::get_if<int64_t>(&v.value)) return static_cast<T>(*i);
  if (const auto* d = std::get_if<double>(&v.value)) return static_cast<T>(*d);
  return T{};
}

template <typename T>
FixedInput<T> ToFixedInput(const Operand& o) {
  FixedInput<T> in;
  if (o.is_scalar()) {
    in.is_scalar = true;
    in.scalar = ScalarAs<T>(*o.scalar);
  } else {
    in.data = o.column->values().data();
    in.valid = o.column->validity().empty() ? nullptr : o.column->validity().data();
  }
  return in;
}

/// Writes OP(a[i], b[i]) for every row; one loop per scalar/column shape so the compiler
/// sees a plain array walk.
template <typename T, typename Out, typename Op>
void BinaryLoop(const FixedInput<T>& a, const FixedInput<T>& b, size_t rows, Out* out, Op op) {
  if (a.is_scalar) {
    const T x = a.scalar;
    for (size_t i = 0; i < rows; ++i) out[i] = op(x, LoadRaw<T>(b.data, i));
  } else if (b.is_scalar) {
    const T y = b.scalar;
    for (size_t i = 0; i < rows; ++i) out[i] = op(LoadRaw<T>(a.data, i), y);
  } else {
    for (size_t i = 0; i < rows; ++i) out[i] = op(LoadRaw<T>(a.data, i), LoadRaw<T>(b.data, i));
  }
}

/// Returns the validity of a row-wise combination: present where both are (empty = all).
inline std::vector<uint8_t> MergeValidity(const uint8_t* a, const uint8_t* b, size_t rows) {
  std::vector<uint8_t> out;
  if (a == nullptr && b == nullptr) return out;
  out.resize(rows);
  if (a != nullptr && b != nullptr) {
    for (size_t i = 0; i < rows; ++i) out[i] = a[i] & b[i];
  } else {
    std::memcpy(out.data(), a != nullptr ? a : b, rows);
  }
  return out;
}

/// Returns the validity buffer of a column operand, or null when it has no nulls or is scalar.
inline const uint8_t* ValidityOf(const Operand& o) {
  if (o.is_scalar() || o.column->validity().empty()) return nullptr;
  return o.column->validity().data();
}

}  // namespace stedi::sql
