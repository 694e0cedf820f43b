#include <cmath>
#include <limits>

#include "sql/expression/operand.h"

namespace stedi::sql {

namespace {

template <typename T, typename F>
Column MapFixed(const Column& in, TypeId to, F f) {
  std::vector<decltype(f(T{}))> out(in.size());
  const uint8_t* data = in.values().data();
  for (size_t i = 0; i < out.size(); ++i) out[i] = f(LoadRaw<T>(data, i));
  return BuildFixed(to, out, in.validity());
}

// Half away from zero at D decimal places, as Presto's round(x, d).
double RoundTo(double x, int64_t digits) {
  if (!std::isfinite(x)) return x;
  const double factor = std::pow(10.0, static_cast<double>(digits));
  if (!std::isfinite(factor) || factor == 0) return digits > 0 ? x : 0.0;
  const double r = std::round(x * factor) / factor;
  return std::isfinite(r) ? r : x;
}

template <typename T>
Result<Column> IntegerAbs(const BoundExpr& call, const Column& in) {
  bool overflow = false;
  Column out = MapFixed<T>(in, call.type, [&overflow](T x) {
    overflow |= x == std::numeric_limits<T>::min();
    return static_cast<T>(x < 0 ? -x : x);
  });
  if (overflow) {
    return Status::Invalid("abs overflow in " + call.ToString() + LocationSuffix(call));
  }
  return out;
}

}  // namespace

Result<Column> EvaluateMathFunction(const BoundExpr& call, std::vector<Operand>& args,
                                    size_t rows) {
  const std::string& f = call.function;
  const Column& in = Materialize(args[0], rows);
  const TypeId type = in.type();
  if (f == "round" && args.size() == 2) {
    const Column& digits = Materialize(args[1], rows);
    std::vector<double> out(rows);
    for (size_t i = 0; i < rows; ++i) out[i] = RoundTo(in.GetDouble(i), digits.GetInt64(i));
    return BuildFixed(TypeId::kFloat64, out,
                      MergeValidity(ValidityOf(args[0]), ValidityOf(args[1]), rows));
  }
  if (f == "power") {
    const Column& exponent = Materialize(args[1], rows);
    std::vector<double> out(rows);
    for (size_t i = 0; i < rows; ++i) out[i] = std::pow(in.GetDouble(i), exponent.GetDouble(i));
    return BuildFixed(TypeId::kFloat64, out,
                      MergeValidity(ValidityOf(args[0]), ValidityOf(args[1]), rows));
  }
  if (f == "ln")
    return MapFixed<double>(in, TypeId::kFloat64, [](double x) { return std::log(x); });
  if (f == "exp")
    return MapFixed<double>(in, TypeId::kFloat64, [](double x) { return std::exp(x); });
  if (f == "log10") {
    return MapFixed<double>(in, TypeId::kFloat64, [](double x) { return std::log10(x); });
  }
  if (f == "log2") {
    return MapFixed<double>(in, TypeId::kFloat64, [](double x) { return std::log2(x); });
  }
  if (f == "sign") {
    switch (type) {
      case TypeId::kInt32:
        return MapFixed<int32_t>(in, type, [](int32_t x) { return int32_t{(x > 0) - (x < 0)}; });
      case TypeId::kInt64:
        return MapFixed<int64_t>(in, type, [](int64_t x) { return int64_t{(x > 0) - (x < 0)}; });
      case TypeId::kFloat64:
        return MapFixed<double>(in, type, [](double x) {
          return std::isnan(x) ? x : static_cast<double>((x > 0) - (x < 0));
        });
      default:
        break;
    }
  }
  if (f == "sqrt")
    return MapFixed<double>(in, TypeId::kFloat64, [](double x) { return std::sqrt(x); });
  if (type == TypeId::kFloat64) {
    if (f == "round") return MapFixed<double>(in, type, [](double x) { return std::round(x); });
    if (f == "abs") return MapFixed<double>(in, type, [](double x) { return std::fabs(x); });
    if (f == "floor") return MapFixed<double>(in, type, [](double x) { return std::floor(x); });
    if (f == "ceil") return MapFixed<double>(in, type, [](double x) { return std::ceil(x); });
  } else if (type == TypeId::kInt32 || type == TypeId::kInt64) {
    // round, floor and ceil of an integer are the integer itself.
    if (f == "abs")
      return type == TypeId::kInt32 ? IntegerAbs<int32_t>(call, in) : IntegerAbs<int64_t>(call, in);
    if (f == "round" || f == "floor" || f == "ceil") return in;
  }
  return Status::Invalid("function " + f + "(" + std::string(TypeName(type)) + ") does not exist" +
                         LocationSuffix(call));
}

}  // namespace stedi::sql
