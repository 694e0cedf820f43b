#include <cmath>
#include <limits>
#include <string_view>

#include "sql/expression/operand.h"

namespace stedi::sql {

namespace {

Status Overflow(const BoundExpr& call) {
  return Status::Invalid(std::string(TypeName(call.type)) + " overflow in " + call.ToString() +
                         LocationSuffix(call));
}

// Athena fails integer division and modulo by zero rather than returning NULL.
template <typename T>
Status CheckDivisor(const BoundExpr& call, const FixedInput<T>& a, const FixedInput<T>& b,
                    size_t rows) {
  bool zero = false;
  if (b.is_scalar) {
    zero = b.scalar == 0 && rows > 0;
    if (zero && a.valid != nullptr) {  // only rows where the dividend is present count
      zero = false;
      for (size_t i = 0; i < rows; ++i) zero |= a.valid[i] != 0;
    }
  } else {
    for (size_t i = 0; i < rows; ++i) {
      const bool present = (b.valid == nullptr || b.valid[i]) && (a.valid == nullptr || a.valid[i]);
      zero |= present && LoadRaw<T>(b.data, i) == 0;
    }
  }
  if (zero) return Status::Invalid("division by zero in " + call.ToString() + LocationSuffix(call));
  return Status::OK();
}

template <typename T>
Result<Column> IntegerArithmetic(const BoundExpr& call, const Operand& left, const Operand& right,
                                 size_t rows) {
  const FixedInput<T> a = ToFixedInput<T>(left);
  const FixedInput<T> b = ToFixedInput<T>(right);
  std::vector<T> out(rows);
  bool overflow = false;
  const std::string_view op = call.function;
  if (op == "+") {
    BinaryLoop(a, b, rows, out.data(), [&overflow](T x, T y) {
      T r;
      overflow |= __builtin_add_overflow(x, y, &r);
      return r;
    });
  } else if (op == "-") {
    BinaryLoop(a, b, rows, out.data(), [&overflow](T x, T y) {
      T r;
      overflow |= __builtin_sub_overflow(x, y, &r);
      return r;
    });
  } else if (op == "*") {
    BinaryLoop(a, b, rows, out.data(), [&overflow](T x, T y) {
      T r;
      overflow |= __builtin_mul_overflow(x, y, &r);
      return r;
    });
  } else {
    STEDI_RETURN_NOT_OK(CheckDivisor(call, a, b, rows));
    constexpr T kMin = std::numeric_limits<T>::min();
    // Null rows hold 0 and the minimum / -1 overflows: both are kept out of the hardware divide.
    if (op == "/") {
      BinaryLoop(a, b, rows, out.data(), [&overflow](T x, T y) -> T {
        if (y == 0) return 0;
        if (y == -1) {
          overflow |= x == kMin;
          return x == kMin ? x : static_cast<T>(-x);
        }
        return static_cast<T>(x / y);
      });
    } else {
      BinaryLoop(a, b, rows, out.data(),
                 [](T x, T y) -> T { return y == 0 || y == -1 ? T{0} : static_cast<T>(x % y); });
    }
  }
  std::vector<uint8_t> valid = MergeValidity(a.valid, b.valid, rows);
  if (overflow) {
    // Overflow in a null row (value 0 there) cannot happen, so any overflow is real.
    return Overflow(call);
  }
  return BuildFixed(call.type, out, valid);
}

Column DoubleArithmetic(const BoundExpr& call, const Operand& left, const Operand& right,
                        size_t rows) {
  const FixedInput<double> a = ToFixedInput<double>(left);
  const FixedInput<double> b = ToFixedInput<double>(right);
  std::vector<double> out(rows);
  const std::string_view op = call.function;
  if (op == "+") {
    BinaryLoop(a, b, rows, out.data(), [](double x, double y) { return x + y; });
  } else if (op == "-") {
    BinaryLoop(a, b, rows, out.data(), [](double x, double y) { return x - y; });
  } else if (op == "*") {
    BinaryLoop(a, b, rows, out.data(), [](double x, double y) { return x * y; });
  } else if (op == "/") {
    BinaryLoop(a, b, rows, out.data(), [](double x, double y) { return x / y; });
  } else {
    BinaryLoop(a, b, rows, out.data(), [](double x, double y) { return std::fmod(x, y); });
  }
  return BuildFixed(TypeId::kFloat64, out, MergeValidity(a.valid, b.valid, rows));
}

template <typename T>
Result<Column> Negate(const BoundExpr& call, const Column& in) {
  std::vector<T> out(in.size());
  const uint8_t* data = in.values().data();
  bool overflow = false;
  for (size_t i = 0; i < out.size(); ++i) {
    const T x = LoadRaw<T>(data, i);
    if constexpr (std::is_integral_v<T>) overflow |= x == std::numeric_limits<T>::min();
    out[i] = static_cast<T>(-x);
  }
  if (overflow) return Overflow(call);
  return BuildFixed(call.type, out, in.validity());
}

}  // namespace

Result<Operand> EvaluateArithmetic(const BoundExpr& call, std::vector<Operand>& args, size_t rows) {
  for (Operand& a : args) {
    if (a.is_scalar() && a.scalar->is_null()) return Operand::Scalar(ScalarValue::Null(call.type));
  }
  for (const Operand& a : args) {
    const TypeId t = a.is_scalar() ? a.scalar->type : a.column->type();
    if (t != call.type) {
      return Status::Internal("argument of " + call.ToString() + " is " + std::string(TypeName(t)) +
                              ", bound as " + std::string(TypeName(call.type)));
    }
  }
  if (call.function == "negate") {
    const Column& in = Materialize(args[0], rows);
    switch (call.type) {
      case TypeId::kInt32: {
        STEDI_ASSIGN_OR_RETURN(Column c, Negate<int32_t>(call, in));
        return Operand::Owned(std::move(c));
      }
      case TypeId::kInt64: {
        STEDI_ASSIGN_OR_RETURN(Column c, Negate<int64_t>(call, in));
        return Operand::Owned(std::move(c));
      }
      case TypeId::kFloat64: {
        STEDI_ASSIGN_OR_RETURN(Column c, Negate<double>(call, in));
        return Operand::Owned(std::move(c));
      }
      default:
        return Status::Internal("negate of " + std::string(TypeName(call.type)));
    }
  }
  if (args.size() != 2) return Status::Internal("arithmetic needs two arguments");
  if (args[0].is_scalar() && args[1].is_scalar()) Materialize(args[0], rows);
  switch (call.type) {
    case TypeId::kInt32: {
      STEDI_ASSIGN_OR_RETURN(Column c, IntegerArithmetic<int32_t>(call, args[0], args[1], rows));
      return Operand::Owned(std::move(c));
    }
    case TypeId::kInt64: {
      STEDI_ASSIGN_OR_RETURN(Column c, IntegerArithmetic<int64_t>(call, args[0], args[1], rows));
      return Operand::Owned(std::move(c));
    }
    case TypeId::kFloat64:
      return Operand::Owned(DoubleArithmetic(call, args[0], args[1], rows));
    default:
      return Status::Internal("arithmetic on " + std::string(TypeName(call.type)));
  }
}

}  // namespace stedi::sql
