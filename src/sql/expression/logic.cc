#include "sql/expression/operand.h"

namespace stedi::sql {

namespace {

// Row-wise view of a boolean column: value and presence bytes, both 0 or 1.
struct BoolView {
  const uint8_t* values;
  const uint8_t* valid;  // null: all present
};

BoolView ViewOf(const Column& c) {
  return {c.values().data(), c.validity().empty() ? nullptr : c.validity().data()};
}

// Three-valued logic without branches: a row is known when either side decides it (a false for
// AND, a true for OR) or both sides are present.
template <bool kIsAnd>
Operand Combine(Operand& a, Operand& b, size_t rows) {
  const BoolView x = ViewOf(Materialize(a, rows));
  const BoolView y = ViewOf(Materialize(b, rows));
  std::vector<uint8_t> out(rows);
  std::vector<uint8_t> valid;
  if (x.valid == nullptr && y.valid == nullptr) {
    for (size_t i = 0; i < rows; ++i) {
      out[i] = kIsAnd ? (x.values[i] & y.values[i]) : (x.values[i] | y.values[i]);
    }
  } else {
    valid.resize(rows);
    for (size_t i = 0; i < rows; ++i) {
      const uint8_t px = x.valid == nullptr ? 1 : x.valid[i];
      const uint8_t py = y.valid == nullptr ? 1 : y.valid[i];
      const uint8_t vx = x.values[i];
      const uint8_t vy = y.values[i];
      if constexpr (kIsAnd) {
        const uint8_t decided = (px & (vx ^ 1)) | (py & (vy ^ 1));
        valid[i] = decided | (px & py);
        out[i] = px & py & vx & vy;
      } else {
        const uint8_t decided = (px & vx) | (py & vy);
        valid[i] = decided | (px & py);
        out[i] = decided;
      }
    }
  }
  return Operand::Owned(BuildFixed(TypeId::kBoolean, out, valid));
}

}  // namespace

Operand OrOperands(Operand& a, Operand& b, size_t rows) { return Combine<false>(a, b, rows); }
Operand AndOperands(Operand& a, Operand& b, size_t rows) { return Combine<true>(a, b, rows); }

Result<Operand> EvaluateLogic(const BoundExpr& call, std::vector<Operand>& args, size_t rows) {
  const std::string& fn = call.function;
  if (fn == "and" || fn == "or") {
    Operand acc = std::move(args[0]);
    for (size_t i = 1; i < args.size(); ++i) {
      acc = fn == "and" ? AndOperands(acc, args[i], rows) : OrOperands(acc, args[i], rows);
    }
    return acc;
  }
  if (args[0].is_scalar()) {
    const bool is_null = args[0].scalar->is_null();
    ScalarValue out = ScalarValue::Null(TypeId::kBoolean);
    if (fn != "not") {
      out.value = fn == "is_null" ? is_null : !is_null;
    } else if (!is_null) {
      out.value = !std::get<bool>(args[0].scalar->value);
    }
    return Operand::Scalar(std::move(out));
  }
  const Column& in = *args[0].column;
  std::vector<uint8_t> out(rows);
  if (fn == "not") {
    const uint8_t* v = in.values().data();
    for (size_t i = 0; i < rows; ++i) out[i] = v[i] ^ 1;
    return Operand::Owned(BuildFixed(TypeId::kBoolean, out, in.validity()));
  }
  const uint8_t flip = fn == "is_null" ? 1 : 0;
  if (in.validity().empty()) {
    std::fill(out.begin(), out.end(), flip ^ 1);
  } else {
    const uint8_t* valid = in.validity().data();
    for (size_t i = 0; i < rows; ++i) out[i] = valid[i] ^ flip;
  }
  return Operand::Owned(BuildFixed(TypeId::kBoolean, out, {}));
}

}  // namespace stedi::sql
