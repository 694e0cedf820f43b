#include "sql/expression/evaluator.h"

#include <gtest/gtest.h>

#include <cmath>
#include <optional>
#include <random>
#include <string>
#include <vector>

#include "sql/expression/function_binder.h"
#include "sql/expression/value_text.h"

namespace stedi::sql {
namespace {

constexpr std::string_view kSql = "SELECT x FROM t";

// --- builders -------------------------------------------------------------------------------

Column Ints64(const std::vector<std::optional<int64_t>>& v) {
  ColumnBuilder b(TypeId::kInt64);
  for (const auto& x : v) x ? b.AppendInt64(*x) : b.AppendNull();
  return b.Finish();
}
Column Ints32(const std::vector<std::optional<int32_t>>& v) {
  ColumnBuilder b(TypeId::kInt32);
  for (const auto& x : v) x ? b.AppendInt32(*x) : b.AppendNull();
  return b.Finish();
}
Column Doubles(const std::vector<std::optional<double>>& v) {
  ColumnBuilder b(TypeId::kFloat64);
  for (const auto& x : v) x ? b.AppendDouble(*x) : b.AppendNull();
  return b.Finish();
}
Column Strings(const std::vector<std::optional<std::string>>& v) {
  ColumnBuilder b(TypeId::kString);
  for (const auto& x : v) x ? b.AppendString(*x) : b.AppendNull();
  return b.Finish();
}
Column Bools(const std::vector<std::optional<bool>>& v) {
  ColumnBuilder b(TypeId::kBoolean);
  for (const auto& x : v) x ? b.AppendBool(*x) : b.AppendNull();
  return b.Finish();
}
Column Timestamps(const std::vector<std::optional<int64_t>>& v) {
  ColumnBuilder b(TypeId::kTimestamp);
  for (const auto& x : v) x ? b.AppendInt64(*x) : b.AppendNull();
  return b.Finish();
}
Column Dates(const std::vector<std::optional<int32_t>>& v) {
  ColumnBuilder b(TypeId::kDate);
  for (const auto& x : v) x ? b.AppendInt32(*x) : b.AppendNull();
  return b.Finish();
}

Batch MakeBatch(std::vector<Column> columns) {
  std::vector<Field> fields;
  for (size_t i = 0; i < columns.size(); ++i) {
    fields.push_back({"c" + std::to_string(i), columns[i].type()});
  }
  return Batch(std::make_shared<const Schema>(fields), std::move(columns));
}

BoundExprPtr Col(const Batch& batch, size_t i) {
  return BoundExpr::Column(i, batch.column(i).type(), "c" + std::to_string(i));
}
BoundExprPtr Int(int64_t v) { return BoundExpr::Constant({TypeId::kInt64, v}); }
BoundExprPtr Int32(int64_t v) { return BoundExpr::Constant({TypeId::kInt32, v}); }
BoundExprPtr Dbl(double v) { return BoundExpr::Constant({TypeId::kFloat64, v}); }
BoundExprPtr Str(std::string v) { return BoundExpr::Constant({TypeId::kString, std::move(v)}); }
BoundExprPtr Bool(bool v) { return BoundExpr::Constant({TypeId::kBoolean, v}); }
BoundExprPtr Null() {
  auto e = BoundExpr::Constant(ScalarValue::Null(TypeId::kString));
  e->null_literal = true;
  return e;
}

template <typename... A>
std::vector<BoundExprPtr> Args(A... a) {
  std::vector<BoundExprPtr> v;
  (v.push_back(std::move(a)), ...);
  return v;
}

template <typename... A>
BoundExprPtr Call(std::string_view name, A... a) {
  auto r = BindCall(name, Args(std::move(a)...), 7, kSql);
  EXPECT_TRUE(r.ok()) << r.status().ToString();
  return r.ok() ? r.MoveValue() : Null();
}

template <typename... A>
Status BindError(std::string_view name, A... a) {
  auto r = BindCall(name, Args(std::move(a)...), 7, kSql);
  return r.ok() ? Status::OK() : r.status();
}

BoundExprPtr Cast(BoundExprPtr e, TypeId to) {
  auto r = BindCast(std::move(e), to, 7, kSql);
  EXPECT_TRUE(r.ok()) << r.status().ToString();
  return r.ok() ? r.MoveValue() : Null();
}

// Renders each row as SQL text ("NULL", "3", "'abc'", "true").
std::vector<std::string> Rows(const Column& c) {
  std::vector<std::string> out;
  for (size_t i = 0; i < c.size(); ++i) out.push_back(ScalarValue::FromColumn(c, i).ToString());
  return out;
}

std::vector<std::string> Eval(const BoundExpr& e, const Batch& batch) {
  auto r = Evaluate(e, batch);
  EXPECT_TRUE(r.ok()) << r.status().ToString();
  if (!r.ok()) return {"<error>"};
  EXPECT_EQ(r->type(), e.type);
  EXPECT_EQ(r->size(), batch.num_rows());
  return Rows(*r);
}

std::string EvalConst(const BoundExpr& e) {
  auto r = EvaluateConstant(e);
  EXPECT_TRUE(r.ok()) << r.status().ToString();
  return r.ok() ? r->ToString() : "<error>";
}

using V = std::vector<std::string>;

// --- ScalarValue and BoundExpr ----------------------------------------------------------------

TEST(ScalarValue, RoundTripsThroughColumns) {
  ScalarValue s{TypeId::kString, std::string("it's")};
  Column c = s.ToColumn(3);
  ASSERT_EQ(c.size(), 3u);
  EXPECT_EQ(c.GetString(2), "it's");
  EXPECT_EQ(ScalarValue::FromColumn(c, 1).ToString(), "'it''s'");
  Column n = ScalarValue::Null(TypeId::kInt32).ToColumn(2);
  EXPECT_EQ(n.null_count(), 2u);
  EXPECT_TRUE(ScalarValue::FromColumn(n, 0).is_null());
  EXPECT_EQ(ScalarValue::FromColumn(Dates({19723}), 0).ToString(), "DATE '2024-01-01'");
  EXPECT_EQ(ScalarValue::FromColumn(Ints32({-5}), 0).ToString(), "-5");
  EXPECT_EQ((ScalarValue{TypeId::kBoolean, true}).ToColumn(1).GetBool(0), true);
}

TEST(BoundExpr, CloneAndToString) {
  Batch b = MakeBatch({Ints64({1})});
  auto e = Call("+", Col(b, 0), Int(2));
  auto c = e->Clone();
  EXPECT_EQ(c->ToString(), "(c0 + 2)");
  EXPECT_EQ(c->type, TypeId::kInt64);
  EXPECT_EQ(Call("in", Col(b, 0), Int(1), Int(2))->ToString(), "(c0 IN (1, 2))");
  EXPECT_EQ(Call("lower", Str("A"))->ToString(), "lower('A')");
  EXPECT_EQ(BoundExpr::Column(3, TypeId::kInt64, "")->ToString(), "#3");
}

// --- comparison, logic --------------------------------------------------------------------------

TEST(Comparison, ColumnAgainstConstantAndColumn) {
  Batch b = MakeBatch({Ints64({1, 2, 3, std::nullopt}), Ints64({3, 2, 1, 1})});
  EXPECT_EQ(Eval(*Call("<", Col(b, 0), Int(2)), b), (V{"true", "false", "false", "NULL"}));
  EXPECT_EQ(Eval(*Call(">=", Int(2), Col(b, 0)), b), (V{"true", "true", "false", "NULL"}));
  EXPECT_EQ(Eval(*Call("=", Col(b, 0), Col(b, 1)), b), (V{"false", "true", "false", "NULL"}));
  EXPECT_EQ(Eval(*Call("<>", Col(b, 0), Col(b, 1)), b), (V{"true", "false", "true", "NULL"}));
  EXPECT_EQ(Eval(*Call("!=", Col(b, 0), Null()), b), (V{"NULL", "NULL", "NULL", "NULL"}));
}

TEST(Comparison, PromotesIntToDoubleAndComparesStringsBytewise) {
  Batch b = MakeBatch({Ints32({1, 2}), Strings({"abc", "\xc3\xa9"})});
  auto e = Call("<", Col(b, 0), Dbl(1.5));
  EXPECT_EQ(e->args[0]->kind, BoundExpr::Kind::kCast);
  EXPECT_EQ(Eval(*e, b), (V{"true", "false"}));
  // 0xC3 > 'z' as an unsigned byte.
  EXPECT_EQ(Eval(*Call(">", Col(b, 1), Str("z")), b), (V{"false", "true"}));
  EXPECT_EQ(Eval(*Call("<=", Col(b, 1), Str("abc")), b), (V{"true", "false"}));
}

TEST(Comparison, StringConstantBecomesTimestampOrDate) {
  // 2024-01-01 00:00:00 = 1704067200 s.
  Batch b = MakeBatch({Timestamps({1704067200000000, 1704067199000000}), Dates({19723, 19722})});
  auto e = Call(">=", Col(b, 0), Str("2024-01-01 00:00:00"));
  EXPECT_EQ(e->args[1]->type, TypeId::kTimestamp);
  EXPECT_EQ(Eval(*e, b), (V{"true", "false"}));
  EXPECT_EQ(Eval(*Call("=", Str("2024-01-01"), Col(b, 1)), b), (V{"true", "false"}));
  // Date against timestamp compares as timestamps.
  EXPECT_EQ(Eval(*Call("=", Col(b, 1), Col(b, 0)), b), (V{"true", "false"}));
  Status s = BindError("<", Col(b, 0), Str("yesterday"));
  EXPECT_TRUE(s.IsInvalid());
  EXPECT_NE(s.message().find("'yesterday'"), std::string::npos) << s.message();
}

TEST(Comparison, TypeErrorsNameTypes) {
  Batch b = MakeBatch({Ints64({1}), Strings({"a"}), Bools({true})});
  Status s = BindError("=", Col(b, 0), Col(b, 1));
  EXPECT_TRUE(s.IsInvalid());
  EXPECT_NE(s.message().find("bigint"), std::string::npos) << s.message();
  EXPECT_NE(s.message().find("string"), std::string::npos) << s.message();
  EXPECT_TRUE(BindError("<", Col(b, 2), Dbl(1)).IsInvalid());
}

TEST(Logic, ThreeValuedTruthTable) {
  // All 9 combinations of (true, false, NULL) x (true, false, NULL).
  Batch b = MakeBatch(
      {Bools({true, true, true, false, false, false, std::nullopt, std::nullopt, std::nullopt}),
       Bools({true, false, std::nullopt, true, false, std::nullopt, true, false, std::nullopt})});
  EXPECT_EQ(Eval(*Call("and", Col(b, 0), Col(b, 1)), b),
            (V{"true", "false", "NULL", "false", "false", "false", "NULL", "false", "NULL"}));
  EXPECT_EQ(Eval(*Call("or", Col(b, 0), Col(b, 1)), b),
            (V{"true", "true", "true", "true", "false", "NULL", "true", "NULL", "NULL"}));
  EXPECT_EQ(Eval(*Call("not", Col(b, 1)), b),
            (V{"false", "true", "NULL", "false", "true", "NULL", "false", "true", "NULL"}));
  EXPECT_EQ(Eval(*Call("and", Col(b, 0), Null()), b),
            (V{"NULL", "NULL", "NULL", "false", "false", "false", "NULL", "NULL", "NULL"}));
  EXPECT_EQ(Eval(*Call("or", Bool(true), Col(b, 1)), b), V(9, "true"));
  EXPECT_TRUE(BindError("and", Col(b, 0), Int(1)).IsInvalid());
}

TEST(Logic, IsNull) {
  Batch b = MakeBatch({Strings({"a", std::nullopt})});
  EXPECT_EQ(Eval(*Call("is_null", Col(b, 0)), b), (V{"false", "true"}));
  EXPECT_EQ(Eval(*Call("is_not_null", Col(b, 0)), b), (V{"true", "false"}));
  EXPECT_EQ(Eval(*Call("is_null", Null()), b), (V{"true", "true"}));
}

TEST(In, MatchesAndNullSemantics) {
  Batch b = MakeBatch({Ints64({1, 2, 5, std::nullopt})});
  EXPECT_EQ(Eval(*Call("in", Col(b, 0), Int(1), Int(5)), b), (V{"true", "false", "true", "NULL"}));
  // Not found and the list holds NULL → NULL; found → true.
  EXPECT_EQ(Eval(*Call("in", Col(b, 0), Int(1), Null()), b), (V{"true", "NULL", "NULL", "NULL"}));
  // Int32 items promote to bigint; a double item promotes everything to double.
  EXPECT_EQ(Eval(*Call("in", Col(b, 0), Int32(2), Dbl(5.0)), b),
            (V{"false", "true", "true", "NULL"}));
  Batch s = MakeBatch({Strings({"x", "y"})});
  EXPECT_EQ(Eval(*Call("in", Col(s, 0), Str("y"), Str("z")), s), (V{"false", "true"}));
  EXPECT_TRUE(BindError("in", Col(s, 0), Int(1)).IsInvalid());
}

// --- arithmetic -----------------------------------------------------------------------------

TEST(Arithmetic, IntegerOperatorsAndTypes) {
  Batch b = MakeBatch({Ints64({7, -7, std::nullopt}), Ints32({2, 2, 2})});
  auto add = Call("+", Col(b, 0), Col(b, 1));
  EXPECT_EQ(add->type, TypeId::kInt64);
  EXPECT_EQ(Eval(*add, b), (V{"9", "-5", "NULL"}));
  EXPECT_EQ(Eval(*Call("-", Col(b, 0), Int(10)), b), (V{"-3", "-17", "NULL"}));
  EXPECT_EQ(Eval(*Call("*", Col(b, 0), Col(b, 1)), b), (V{"14", "-14", "NULL"}));
  // Integer division truncates toward zero; modulo keeps the dividend's sign.
  EXPECT_EQ(Eval(*Call("/", Col(b, 0), Col(b, 1)), b), (V{"3", "-3", "NULL"}));
  EXPECT_EQ(Eval(*Call("%", Col(b, 0), Col(b, 1)), b), (V{"1", "-1", "NULL"}));
  EXPECT_EQ(Eval(*Call("negate", Col(b, 0)), b), (V{"-7", "7", "NULL"}));
  auto both_int = Call("+", Col(b, 1), Int32(1));
  EXPECT_EQ(both_int->type, TypeId::kInt32);
  EXPECT_EQ(Eval(*both_int, b), (V{"3", "3", "3"}));
  EXPECT_EQ(Eval(*Call("+", Col(b, 0), Null()), b), (V{"NULL", "NULL", "NULL"}));
}

TEST(Arithmetic, DoubleArithmetic) {
  Batch b = MakeBatch({Doubles({7.5, -1.0, std::nullopt}), Ints64({2, 0, 1})});
  auto div = Call("/", Col(b, 0), Col(b, 1));
  EXPECT_EQ(div->type, TypeId::kFloat64);
  EXPECT_EQ(Eval(*div, b), (V{"3.75", "-Infinity", "NULL"}));
  EXPECT_EQ(Eval(*Call("%", Col(b, 0), Dbl(2)), b), (V{"1.5", "-1.0", "NULL"}));
}

TEST(Arithmetic, DivisionByZeroIsInvalid) {
  Batch b = MakeBatch({Ints64({4, 5, std::nullopt}), Ints64({2, 0, 0})});
  auto r = Evaluate(*Call("/", Col(b, 0), Col(b, 1)), b);
  ASSERT_FALSE(r.ok());
  EXPECT_TRUE(r.status().IsInvalid());
  EXPECT_NE(r.status().message().find("division by zero"), std::string::npos);
  EXPECT_NE(r.status().message().find("offset 7"), std::string::npos) << r.status().message();
  EXPECT_FALSE(Evaluate(*Call("%", Col(b, 0), Int(0)), b).ok());
  // A NULL dividend over zero is NULL, not an error.
  Batch nulls = MakeBatch({Ints64({std::nullopt}), Ints64({0})});
  EXPECT_EQ(Eval(*Call("/", Col(nulls, 0), Col(nulls, 1)), nulls), (V{"NULL"}));
  EXPECT_FALSE(EvaluateConstant(*Call("/", Int(1), Int(0))).ok());
}

TEST(Arithmetic, OverflowIsInvalid) {
  Batch b = MakeBatch({Ints64({INT64_MAX})});
  EXPECT_FALSE(Evaluate(*Call("+", Col(b, 0), Int(1)), b).ok());
  EXPECT_FALSE(
      Evaluate(*Call("/", BoundExpr::Constant({TypeId::kInt64, INT64_MIN}), Int(-1)), b).ok());
}

TEST(Arithmetic, TypeErrors) {
  Batch b = MakeBatch({Strings({"a"})});
  Status s = BindError("+", Col(b, 0), Int(1));
  EXPECT_TRUE(s.IsInvalid());
  EXPECT_NE(s.message().find("+(string, bigint)"), std::string::npos) << s.message();
}

// Property: a + b > c evaluated vectorised equals a row-by-row recomputation.
TEST(Arithmetic, VectorisedMatchesScalarRecomputation) {
  std::mt19937_64 rng(42);
  std::uniform_int_distribution<int64_t> ints(-1000000, 1000000);
  std::uniform_real_distribution<double> reals(-1e6, 1e6);
  for (int round = 0; round < 20; ++round) {
    const size_t n = 1 + rng() % 3000;
    std::vector<std::optional<int64_t>> a(n), c(n);
    std::vector<std::optional<double>> bd(n);
    for (size_t i = 0; i < n; ++i) {
      if (rng() % 10 != 0) a[i] = ints(rng);
      if (rng() % 10 != 0) bd[i] = reals(rng);
      if (rng() % 10 != 0) c[i] = ints(rng);
    }
    Batch b = MakeBatch({Ints64(a), Doubles(bd), Ints64(c), Ints64(c)});
    // int + double > int and int + int > int.
    auto e1 = Call(">", Call("+", Col(b, 0), Col(b, 1)), Col(b, 2));
    auto e2 = Call(">", Call("+", Col(b, 0), Col(b, 3)), Col(b, 2));
    auto r1 = Evaluate(*e1, b);
    auto r2 = Evaluate(*e2, b);
    ASSERT_TRUE(r1.ok() && r2.ok());
    for (size_t i = 0; i < n; ++i) {
      if (!a[i] || !bd[i] || !c[i]) {
        EXPECT_TRUE(r1->IsNull(i));
      } else {
        ASSERT_FALSE(r1->IsNull(i));
        EXPECT_EQ(r1->GetBool(i), static_cast<double>(*a[i]) + *bd[i] > static_cast<double>(*c[i]));
      }
      if (!a[i] || !c[i]) {
        EXPECT_TRUE(r2->IsNull(i));
      } else {
        EXPECT_EQ(r2->GetBool(i), *a[i] + *c[i] > *c[i]);
      }
    }
  }
}

// --- filter, constants ----------------------------------------------------------------------

TEST(Filter, SelectsTrueRowsOnly) {
  Batch b = MakeBatch({Ints64({5, 1, std::nullopt, 9})});
  auto rows = EvaluateFilter(*Call(">", Col(b, 0), Int(3)), b);
  ASSERT_TRUE(rows.ok());
  EXPECT_EQ(*rows, (std::vector<uint32_t>{0, 3}));
  auto all = EvaluateFilter(*Bool(true), b);
  ASSERT_TRUE(all.ok());
  EXPECT_EQ(all->size(), 4u);
  auto none = EvaluateFilter(*Call("=", Int(1), Null()), b);
  ASSERT_TRUE(none.ok());
  EXPECT_TRUE(none->empty());
  EXPECT_FALSE(EvaluateFilter(*Int(1), b).ok());
  auto null_literal = EvaluateFilter(*Null(), b);
  ASSERT_TRUE(null_literal.ok());
  EXPECT_TRUE(null_literal->empty());
}

TEST(Constant, EvaluatesWithoutInput) {
  EXPECT_EQ(EvalConst(*Call("*", Call("+", Int(1), Int(2)), Int(4))), "12");
  EXPECT_EQ(EvalConst(*Call("concat", Str("a"), Str("b"))), "'ab'");
  Batch b = MakeBatch({Ints64({1, 2, 3})});
  EXPECT_EQ(Eval(*Call("+", Int(1), Int(2)), b), (V{"3", "3", "3"}));
}

// --- casts ----------------------------------------------------------------------------------

TEST(Cast, StringToNumbersBooleanDateTimestamp) {
  Batch b = MakeBatch({Strings({"42", " -7 ", std::nullopt})});
  EXPECT_EQ(Eval(*Cast(Col(b, 0), TypeId::kInt64), b), (V{"42", "-7", "NULL"}));
  EXPECT_EQ(Eval(*Cast(Col(b, 0), TypeId::kInt32), b), (V{"42", "-7", "NULL"}));
  EXPECT_EQ(Eval(*Cast(Col(b, 0), TypeId::kFloat64), b), (V{"42.0", "-7.0", "NULL"}));
  EXPECT_EQ(EvalConst(*Cast(Str("2.5e3"), TypeId::kFloat64)), "2500.0");
  EXPECT_EQ(EvalConst(*Cast(Str("TRUE"), TypeId::kBoolean)), "true");
  EXPECT_EQ(EvalConst(*Cast(Str("false"), TypeId::kBoolean)), "false");
  // 2024-02-29 is day 19782 (19723 + 31 + 28).
  EXPECT_EQ(EvalConst(*Cast(Str("2024-02-29"), TypeId::kDate)), "DATE '2024-02-29'");
  auto d = EvaluateConstant(*Cast(Str("2024-02-29"), TypeId::kDate));
  ASSERT_TRUE(d.ok());
  EXPECT_EQ(std::get<int64_t>(d->value), 19782);
  auto ts = EvaluateConstant(*Cast(Str("1970-01-02 01:02:03.5"), TypeId::kTimestamp));
  ASSERT_TRUE(ts.ok());
  EXPECT_EQ(std::get<int64_t>(ts->value), (86400 + 3723) * 1000000LL + 500000);
  auto iso = EvaluateConstant(*Cast(Str("1970-01-01T00:00:01Z"), TypeId::kTimestamp));
  ASSERT_TRUE(iso.ok());
  EXPECT_EQ(std::get<int64_t>(iso->value), 1000000);
}

TEST(Cast, InvalidTextNamesValueAndPosition) {
  auto bad = BindCast(Str("12x"), TypeId::kInt64, 7, kSql);
  ASSERT_FALSE(bad.ok());
  EXPECT_TRUE(bad.status().IsInvalid());
  EXPECT_NE(bad.status().message().find("'12x'"), std::string::npos) << bad.status().message();
  EXPECT_NE(bad.status().message().find("line 1, column 8"), std::string::npos)
      << bad.status().message();
  Batch b = MakeBatch({Strings({"1", "oops"})});
  auto r = Evaluate(*Cast(Col(b, 0), TypeId::kInt32), b);
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.status().message().find("'oops'"), std::string::npos);
  EXPECT_FALSE(BindCast(Str("2024-02-30"), TypeId::kDate, 0, kSql).ok());
  EXPECT_FALSE(BindCast(Str("3000000000"), TypeId::kInt32, 0, kSql).ok());
  EXPECT_FALSE(BindCast(Str("maybe"), TypeId::kBoolean, 0, kSql).ok());
}

TEST(Cast, ValuesToString) {
  Batch b =
      MakeBatch({Doubles({1.0, 0.5, 1e20, 123456789.0, 0.0001, -2.25, std::nullopt}),
                 Timestamps({0, 1704067200123456, -1, 0, 0, 0, 0}), Ints64({0, -12, 3, 0, 0, 0, 0}),
                 Bools({true, false, true, true, true, true, true})});
  EXPECT_EQ(Eval(*Cast(Col(b, 0), TypeId::kString), b),
            (V{"'1.0'", "'0.5'", "'1.0E20'", "'1.23456789E8'", "'1.0E-4'", "'-2.25'", "NULL"}));
  auto ts = Eval(*Cast(Col(b, 1), TypeId::kString), b);
  EXPECT_EQ(ts[0], "'1970-01-01 00:00:00.000'");
  EXPECT_EQ(ts[1], "'2024-01-01 00:00:00.123'");
  EXPECT_EQ(ts[2], "'1969-12-31 23:59:59.999'");
  EXPECT_EQ(Eval(*Cast(Col(b, 2), TypeId::kString), b)[1], "'-12'");
  EXPECT_EQ(Eval(*Cast(Col(b, 3), TypeId::kString), b)[1], "'false'");
  EXPECT_EQ(EvalConst(*Cast(BoundExpr::Constant({TypeId::kDate, int64_t{-1}}), TypeId::kString)),
            "'1969-12-31'");
}

TEST(Cast, NumericAndTemporal) {
  EXPECT_EQ(EvalConst(*Cast(Dbl(2.5), TypeId::kInt64)), "3");
  EXPECT_EQ(EvalConst(*Cast(Dbl(-2.5), TypeId::kInt32)), "-3");
  EXPECT_EQ(EvalConst(*Cast(Int(3), TypeId::kFloat64)), "3.0");
  EXPECT_FALSE(BindCast(Dbl(1e30), TypeId::kInt64, 0, kSql).ok());
  EXPECT_FALSE(BindCast(Int(5000000000), TypeId::kInt32, 0, kSql).ok());
  // Timestamp → date floors: -1 µs is 1969-12-31.
  Batch b = MakeBatch({Timestamps({-1, 86400000000}), Dates({1, -1})});
  EXPECT_EQ(Eval(*Cast(Col(b, 0), TypeId::kDate), b),
            (V{"DATE '1969-12-31'", "DATE '1970-01-02'"}));
  EXPECT_EQ(Eval(*Cast(Col(b, 1), TypeId::kTimestamp), b),
            (V{"TIMESTAMP '1970-01-02 00:00:00.000'", "TIMESTAMP '1969-12-31 00:00:00.000'"}));
  auto bad = BindCast(Col(b, 0), TypeId::kInt64, 7, kSql);
  ASSERT_FALSE(bad.ok());
  EXPECT_NE(bad.status().message().find("timestamp to bigint"), std::string::npos);
  // Casting an untyped NULL gives a typed NULL.
  auto n = Cast(Null(), TypeId::kInt64);
  EXPECT_EQ(n->type, TypeId::kInt64);
  EXPECT_EQ(EvalConst(*n), "NULL");
}

// --- binder ---------------------------------------------------------------------------------

TEST(Binder, TypeNamesCommonTypesAggregates) {
  EXPECT_EQ(*TypeFromSqlName("INTEGER", 0, kSql), TypeId::kInt32);
  EXPECT_EQ(*TypeFromSqlName("varchar(20)", 0, kSql), TypeId::kString);
  EXPECT_EQ(*TypeFromSqlName("decimal(10,2)", 0, kSql), TypeId::kFloat64);
  EXPECT_EQ(*TypeFromSqlName("real", 0, kSql), TypeId::kFloat64);
  EXPECT_EQ(*TypeFromSqlName("bool", 0, kSql), TypeId::kBoolean);
  EXPECT_EQ(*TypeFromSqlName("varbinary", 0, kSql), TypeId::kBinary);
  EXPECT_TRUE(TypeFromSqlName("uuid", 0, kSql).status().IsInvalid());
  EXPECT_EQ(*CommonType(TypeId::kInt32, TypeId::kInt64), TypeId::kInt64);
  EXPECT_EQ(*CommonType(TypeId::kInt64, TypeId::kFloat64), TypeId::kFloat64);
  EXPECT_EQ(*CommonType(TypeId::kDate, TypeId::kTimestamp), TypeId::kTimestamp);
  EXPECT_EQ(*CommonType(TypeId::kString, TypeId::kString), TypeId::kString);
  EXPECT_FALSE(CommonType(TypeId::kBoolean, TypeId::kFloat64).ok());
  EXPECT_FALSE(CommonType(TypeId::kString, TypeId::kInt64).ok());
  EXPECT_EQ(*AggregateResultType("count_star", TypeId::kString), TypeId::kInt64);
  EXPECT_EQ(*AggregateResultType("count", TypeId::kString), TypeId::kInt64);
  EXPECT_EQ(*AggregateResultType("sum", TypeId::kInt32), TypeId::kInt64);
  EXPECT_EQ(*AggregateResultType("sum", TypeId::kFloat64), TypeId::kFloat64);
  EXPECT_EQ(*AggregateResultType("avg", TypeId::kInt64), TypeId::kFloat64);
  EXPECT_EQ(*AggregateResultType("max", TypeId::kTimestamp), TypeId::kTimestamp);
  EXPECT_FALSE(AggregateResultType("sum", TypeId::kString).ok());
  EXPECT_FALSE(AggregateResultType("avg", TypeId::kBoolean).ok());
}

TEST(Binder, ErrorsNameFunctionTypesAndPosition) {
  Batch b = MakeBatch({Ints64({1})});
  Status s = BindError("lower", Col(b, 0));
  EXPECT_EQ(s.message(),
            "function lower(bigint) does not exist; expected lower(string) at line 1, column 8");
  Status u = BindError("foo", Int(1));
  EXPECT_EQ(u.message(), "unknown function foo at line 1, column 8");
  EXPECT_TRUE(BindError("substr", Str("a")).IsInvalid());
  EXPECT_TRUE(BindError("date_trunc", Str("fortnight"), Str("x")).IsInvalid());
}

// --- strings, LIKE --------------------------------------------------------------------------

TEST(Strings, CaseLengthTrimConcat) {
  Batch b = MakeBatch({Strings({"AbC", "h\xc3\xa9llo", "  a b  ", std::nullopt})});
  EXPECT_EQ(Eval(*Call("lower", Col(b, 0)), b),
            (V{"'abc'", "'h\xc3\xa9llo'", "'  a b  '", "NULL"}));
  EXPECT_EQ(Eval(*Call("UPPER", Col(b, 0)), b),
            (V{"'ABC'", "'H\xc3\x89LLO'", "'  A B  '", "NULL"}));
  EXPECT_EQ(Eval(*Call("length", Col(b, 0)), b), (V{"3", "5", "7", "NULL"}));
  EXPECT_EQ(Call("char_length", Col(b, 0))->type, TypeId::kInt64);
  EXPECT_EQ(Eval(*Call("trim", Col(b, 0)), b), (V{"'AbC'", "'h\xc3\xa9llo'", "'a b'", "NULL"}));
  EXPECT_EQ(Eval(*Call("concat", Col(b, 0), Str("-"), Col(b, 0)), b),
            (V{"'AbC-AbC'", "'h\xc3\xa9llo-h\xc3\xa9llo'", "'  a b  -  a b  '", "NULL"}));
  EXPECT_EQ(Eval(*Call("||", Str("x"), Null()), b), (V{"NULL", "NULL", "NULL", "NULL"}));
  EXPECT_TRUE(BindError("concat", Str("a"), Int(1)).IsInvalid());
  // Two-byte letters: Ä/ä, Ł/ł (Latin Extended-A), Ж/ж (Cyrillic), Ω/ω (Greek); ß stays.
  EXPECT_EQ(EvalConst(*Call("upper", Str("\xc3\xa4\xc5\x82\xd0\xb6\xcf\x89\xc3\x9f"))),
            "'\xc3\x84\xc5\x81\xd0\x96\xce\xa9\xc3\x9f'");
  EXPECT_EQ(EvalConst(*Call("lower", Str("\xc3\x84\xc5\x81\xd0\x96\xce\xa9"))),
            "'\xc3\xa4\xc5\x82\xd0\xb6\xcf\x89'");
}

TEST(Strings, SubstrIsOneBasedAndCountsFromTheEnd) {
  Batch b = MakeBatch({Strings({"hello", "h\xc3\xa9llo", std::nullopt})});
  auto sub = [&](int64_t start) { return Eval(*Call("substr", Col(b, 0), Int(start)), b); };
  auto sub2 = [&](int64_t start, int64_t len) {
    return Eval(*Call("substring", Col(b, 0), Int(start), Int(len)), b);
  };
  EXPECT_EQ(sub(2), (V{"'ello'", "'\xc3\xa9llo'", "NULL"}));
  EXPECT_EQ(sub2(2, 3), (V{"'ell'", "'\xc3\xa9ll'", "NULL"}));
  EXPECT_EQ(sub(-3), (V{"'llo'", "'llo'", "NULL"}));
  EXPECT_EQ(sub2(-3, 2), (V{"'ll'", "'ll'", "NULL"}));
  EXPECT_EQ(sub(0), (V{"''", "''", "NULL"}));
  EXPECT_EQ(sub(6), (V{"''", "''", "NULL"}));
  EXPECT_EQ(sub(-9), (V{"''", "''", "NULL"}));
  EXPECT_EQ(sub2(4, 100), (V{"'lo'", "'lo'", "NULL"}));
  EXPECT_EQ(sub2(1, 0), (V{"''", "''", "NULL"}));
  // An int32 start is widened.
  EXPECT_EQ(Eval(*Call("substr", Col(b, 0), Int32(5)), b), (V{"'o'", "'o'", "NULL"}));
}

TEST(Like, PercentUnderscoreAndNulls) {
  Batch b = MakeBatch({Strings({"abc", "ab", "", "aXbXc", "\xc3\xa9", std::nullopt})});
  auto like = [&](const std::string& p) { return Eval(*Call("like", Col(b, 0), Str(p)), b); };
  EXPECT_EQ(like("a%"), (V{"true", "true", "false", "true", "false", "NULL"}));
  EXPECT_EQ(like("%c"), (V{"true", "false", "false", "true", "false", "NULL"}));
  EXPECT_EQ(like("%b%"), (V{"true", "true", "false", "true", "false", "NULL"}));
  EXPECT_EQ(like("abc"), (V{"true", "false", "false", "false", "false", "NULL"}));
  EXPECT_EQ(like("a_c"), (V{"true", "false", "false", "false", "false", "NULL"}));
  EXPECT_EQ(like("_"), (V{"false", "false", "false", "false", "true", "NULL"}));
  EXPECT_EQ(like("%"), (V{"true", "true", "true", "true", "true", "NULL"}));
  EXPECT_EQ(like("a%b%c"), (V{"true", "false", "false", "true", "false", "NULL"}));
  EXPECT_EQ(like("%_%_"), (V{"true", "true", "false", "true", "false", "NULL"}));
  EXPECT_EQ(like("a%%Xb"), (V{"false", "false", "false", "false", "false", "NULL"}));
  EXPECT_EQ(like("a%X_"), (V{"false", "false", "false", "true", "false", "NULL"}));
  // Pattern from a column.
  Batch p = MakeBatch({Strings({"abc", "abc", "abc"}), Strings({"a_c", "b%", std::nullopt})});
  EXPECT_EQ(Eval(*Call("like", Col(p, 0), Col(p, 1)), p), (V{"true", "false", "NULL"}));
  EXPECT_TRUE(BindError("like", Int(1), Str("1")).IsInvalid());
}

// --- CASE, coalesce, nullif -----------------------------------------------------------------

BoundExprPtr Case(std::vector<BoundExprPtr> args, bool has_else, TypeId type) {
  auto e = std::make_unique<BoundExpr>();
  e->kind = BoundExpr::Kind::kCase;
  e->type = type;
  e->args = std::move(args);
  e->has_else = has_else;
  return e;
}

TEST(Case, PicksFirstTrueBranchAndEvaluatesLazily) {
  Batch b = MakeBatch({Ints64({10, 7, 5, std::nullopt}), Ints64({2, 0, 5, 1})});
  // CASE WHEN c1 <> 0 THEN c0 / c1 ELSE -1 END: the zero divisor row never divides.
  auto e = Case(Args(Call("<>", Col(b, 1), Int(0)), Call("/", Col(b, 0), Col(b, 1)), Int(-1)), true,
                TypeId::kInt64);
  EXPECT_EQ(Eval(*e, b), (V{"5", "-1", "1", "NULL"}));
  EXPECT_EQ(e->ToString(), "CASE WHEN (c1 <> 0) THEN (c0 / c1) ELSE -1 END");
  // Without ELSE unmatched rows are NULL; a NULL condition does not match.
  auto f =
      Case(Args(Call(">", Col(b, 0), Int(8)), Str("big"), Call(">", Col(b, 0), Int(6)), Str("mid")),
           false, TypeId::kString);
  EXPECT_EQ(Eval(*f, b), (V{"'big'", "'mid'", "NULL", "NULL"}));
  auto c = f->Clone();
  EXPECT_EQ(Eval(*c, b), (V{"'big'", "'mid'", "NULL", "NULL"}));
}

TEST(Case, NestedOverSubsetsOfRows) {
  Batch b = MakeBatch(
      {Ints64({10, 7, 5, 8}), Doubles({0, 0, 0, 0}), Strings({"x", "y", "x", std::nullopt})});
  // CASE WHEN c0 > 6 THEN CASE WHEN c2 = 'x' THEN 1 ELSE 2 END ELSE 3 END; c1 is never read.
  auto inner = Case(Args(Call("=", Col(b, 2), Str("x")), Int(1), Int(2)), true, TypeId::kInt64);
  auto outer =
      Case(Args(Call(">", Col(b, 0), Int(6)), std::move(inner), Int(3)), true, TypeId::kInt64);
  EXPECT_EQ(Eval(*outer, b), (V{"1", "2", "3", "2"}));
}

TEST(Coalesce, FirstNonNullAndNullIf) {
  Batch b = MakeBatch({Ints32({std::nullopt, 1, std::nullopt}), Ints64({5, 6, std::nullopt})});
  auto c = Call("coalesce", Col(b, 0), Col(b, 1), Int(0));
  EXPECT_EQ(c->type, TypeId::kInt64);
  EXPECT_EQ(Eval(*c, b), (V{"5", "1", "0"}));
  EXPECT_EQ(Eval(*Call("coalesce", Null(), Col(b, 0)), b), (V{"NULL", "1", "NULL"}));
  auto n = Call("nullif", Col(b, 1), Int(6));
  EXPECT_EQ(Eval(*n, b), (V{"5", "NULL", "NULL"}));
  EXPECT_TRUE(BindError("coalesce", Int(1), Str("a")).IsInvalid());
}

// --- math -----------------------------------------------------------------------------------

TEST(Math, RoundAbsFloorCeilSqrt) {
  Batch b =
      MakeBatch({Doubles({2.5, -2.5, 1.2345, -1.5, std::nullopt}), Ints64({-3, 3, 0, 15, 1})});
  EXPECT_EQ(Eval(*Call("round", Col(b, 0)), b), (V{"3.0", "-3.0", "1.0", "-2.0", "NULL"}));
  EXPECT_EQ(Eval(*Call("round", Col(b, 0), Int(2)), b), (V{"2.5", "-2.5", "1.23", "-1.5", "NULL"}));
  EXPECT_EQ(Eval(*Call("round", Col(b, 1), Int(-1)), b), (V{"-0.0", "0.0", "0.0", "20.0", "0.0"}));
  EXPECT_EQ(Call("round", Col(b, 1))->type, TypeId::kInt64);
  EXPECT_EQ(Eval(*Call("round", Col(b, 1)), b), (V{"-3", "3", "0", "15", "1"}));
  EXPECT_EQ(Eval(*Call("abs", Col(b, 0)), b), (V{"2.5", "2.5", "1.2345", "1.5", "NULL"}));
  EXPECT_EQ(Eval(*Call("abs", Col(b, 1)), b), (V{"3", "3", "0", "15", "1"}));
  EXPECT_EQ(Eval(*Call("floor", Col(b, 0)), b), (V{"2.0", "-3.0", "1.0", "-2.0", "NULL"}));
  EXPECT_EQ(Eval(*Call("ceiling", Col(b, 0)), b), (V{"3.0", "-2.0", "2.0", "-1.0", "NULL"}));
  EXPECT_EQ(Eval(*Call("ceil", Col(b, 1)), b), (V{"-3", "3", "0", "15", "1"}));
  EXPECT_EQ(Eval(*Call("sqrt", Col(b, 1)), b),
            (V{"NaN", "1.7320508075688772", "0.0", "3.872983346207417", "1.0"}));
  EXPECT_EQ(EvalConst(*Call("sqrt", Dbl(16))), "4.0");
  EXPECT_TRUE(BindError("abs", Str("x")).IsInvalid());
}

// --- time -----------------------------------------------------------------------------------

// 2024-05-15 13:45:30.123456 UTC, a Wednesday: day 19858, second 1715780730.
constexpr int64_t kMay15 = 1715780730123456;

TEST(Time, FromAndToUnixtime) {
  Batch b = MakeBatch({Ints64({0, 1704067200, std::nullopt}), Doubles({1.5, -0.25, 0})});
  EXPECT_EQ(
      Eval(*Call("from_unixtime", Col(b, 0)), b),
      (V{"TIMESTAMP '1970-01-01 00:00:00.000'", "TIMESTAMP '2024-01-01 00:00:00.000'", "NULL"}));
  EXPECT_EQ(Eval(*Call("from_unixtime", Col(b, 1)), b),
            (V{"TIMESTAMP '1970-01-01 00:00:01.500'", "TIMESTAMP '1969-12-31 23:59:59.750'",
               "TIMESTAMP '1970-01-01 00:00:00.000'"}));
  Batch t = MakeBatch({Timestamps({kMay15, std::nullopt})});
  auto r = Evaluate(*Call("to_unixtime", Col(t, 0)), t);
  ASSERT_TRUE(r.ok());
  EXPECT_DOUBLE_EQ(r->GetDouble(0), 1715780730.123456);
  EXPECT_TRUE(r->IsNull(1));
  EXPECT_TRUE(BindError("to_unixtime", Int(1)).IsInvalid());
}

TEST(Time, DateTruncEveryUnit) {
  Batch b = MakeBatch({Timestamps({kMay15, -1, std::nullopt}), Dates({19858, -1, 0})});
  auto trunc = [&](const std::string& unit) {
    return Eval(*Call("date_trunc", Str(unit), Col(b, 0)), b);
  };
  EXPECT_EQ(trunc("second")[0], "TIMESTAMP '2024-05-15 13:45:30.000'");
  EXPECT_EQ(trunc("minute")[0], "TIMESTAMP '2024-05-15 13:45:00.000'");
  EXPECT_EQ(trunc("hour"), (V{"TIMESTAMP '2024-05-15 13:00:00.000'",
                              "TIMESTAMP '1969-12-31 23:00:00.000'", "NULL"}));
  EXPECT_EQ(trunc("day")[1], "TIMESTAMP '1969-12-31 00:00:00.000'");
  EXPECT_EQ(trunc("week")[0], "TIMESTAMP '2024-05-13 00:00:00.000'");
  EXPECT_EQ(trunc("week")[1], "TIMESTAMP '1969-12-29 00:00:00.000'");
  EXPECT_EQ(trunc("MONTH")[0], "TIMESTAMP '2024-05-01 00:00:00.000'");
  EXPECT_EQ(trunc("quarter")[0], "TIMESTAMP '2024-04-01 00:00:00.000'");
  EXPECT_EQ(trunc("year")[1], "TIMESTAMP '1969-01-01 00:00:00.000'");
  auto on_dates = Call("date_trunc", Str("month"), Col(b, 1));
  EXPECT_EQ(on_dates->type, TypeId::kDate);
  EXPECT_EQ(Eval(*on_dates, b), (V{"DATE '2024-05-01'", "DATE '1969-12-01'", "DATE '1970-01-01'"}));
  Status s = BindError("date_trunc", Str("fortnight"), Col(b, 0));
  EXPECT_NE(s.message().find("fortnight"), std::string::npos);
}

TEST(Time, DateFormatSpecifiers) {
  Batch b = MakeBatch({Timestamps({kMay15, 0, std::nullopt})});
  EXPECT_EQ(Eval(*Call("date_format", Col(b, 0), Str("%Y-%m-%d %H:%i:%s.%f")), b),
            (V{"'2024-05-15 13:45:30.123456'", "'1970-01-01 00:00:00.000000'", "NULL"}));
  EXPECT_EQ(Eval(*Call("date_format", Col(b, 0), Str("%y %c %e %h %p %j %a %b %M %W %S %%")), b)[0],
            "'24 5 15 01 PM 136 Wed May May Wednesday 30 %'");
  EXPECT_EQ(Eval(*Call("date_format", Col(b, 0), Str("%h %p %W")), b)[1], "'12 AM Thursday'");
  auto bad = Evaluate(*Call("date_format", Col(b, 0), Str("%Q")), b);
  ASSERT_FALSE(bad.ok());
  EXPECT_NE(bad.status().message().find("%Q"), std::string::npos);
  // A date argument is formatted as its midnight.
  Batch d = MakeBatch({Dates({19858})});
  EXPECT_EQ(Eval(*Call("date_format", Col(d, 0), Str("%d/%m/%Y %H")), d), (V{"'15/05/2024 00'"}));
}

TEST(Time, CurrentTimestampIsOneInstant) {
  Batch b = MakeBatch({Ints64({1, 2, 3})});
  auto e = Call("current_timestamp");
  EXPECT_EQ(e->type, TypeId::kTimestamp);
  auto r = Evaluate(*e, b);
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->GetInt64(0), r->GetInt64(2));
  auto again = Evaluate(*e, b);
  ASSERT_TRUE(again.ok());
  EXPECT_EQ(again->GetInt64(0), r->GetInt64(0));
  EXPECT_GT(r->GetInt64(0), int64_t{1704067200} * 1000000);  // after 2024-01-01
}

TEST(ValueText, CalendarAndDoubles) {
  EXPECT_EQ(DaysFromCivil(1970, 1, 1), 0);
  EXPECT_EQ(DaysFromCivil(2000, 3, 1), 11017);
  EXPECT_EQ(DaysFromCivil(1969, 12, 31), -1);
  const CivilDate d = CivilFromDays(11016);  // 2000-02-29
  EXPECT_EQ(d.year, 2000);
  EXPECT_EQ(d.month, 2);
  EXPECT_EQ(d.day, 29);
  for (int64_t days = -800000; days < 800000; days += 997) {
    const CivilDate c = CivilFromDays(days);
    ASSERT_EQ(DaysFromCivil(c.year, c.month, c.day), days);
  }
  EXPECT_EQ(FormatDouble(100.0), "100.0");
  EXPECT_EQ(FormatDouble(1234567.0), "1234567.0");
  EXPECT_EQ(FormatDouble(12345678.0), "1.2345678E7");
  EXPECT_EQ(FormatDouble(0.001), "0.001");
  EXPECT_EQ(FormatDouble(-1e-10), "-1.0E-10");
  EXPECT_EQ(FormatDouble(0.1 + 0.2), "0.30000000000000004");
  EXPECT_EQ(FormatDouble(std::nan("")), "NaN");
  EXPECT_EQ(FormatDouble(-INFINITY), "-Infinity");
  EXPECT_FALSE(ParseTimestamp("2024-01-01 25:00:00").has_value());
  EXPECT_FALSE(ParseDate("2023-02-29").has_value());
  EXPECT_EQ(*ParseDate("2024-02-29"), 19782);
}

// --- further Athena functions ---------------------------------------------------------------

TEST(Extras, FieldsOfTimestamps) {
  Batch b = MakeBatch({Timestamps({kMay15, std::nullopt}), Dates({0, 19723})});
  auto field = [&](const std::string& f, size_t col) { return Eval(*Call(f, Col(b, col)), b); };
  EXPECT_EQ(field("year", 0), (V{"2024", "NULL"}));
  EXPECT_EQ(field("quarter", 0), (V{"2", "NULL"}));
  EXPECT_EQ(field("month", 0), (V{"5", "NULL"}));
  EXPECT_EQ(field("day", 0), (V{"15", "NULL"}));
  EXPECT_EQ(field("day_of_month", 0), (V{"15", "NULL"}));
  EXPECT_EQ(field("hour", 0), (V{"13", "NULL"}));
  EXPECT_EQ(field("minute", 0), (V{"45", "NULL"}));
  EXPECT_EQ(field("second", 0), (V{"30", "NULL"}));
  EXPECT_EQ(field("day_of_week", 0), (V{"3", "NULL"}));  // Wednesday, ISO numbering
  EXPECT_EQ(field("doy", 0), (V{"136", "NULL"}));
  EXPECT_EQ(field("day_of_week", 1), (V{"4", "1"}));  // 1970-01-01 Thursday, 2024-01-01 Monday
  EXPECT_EQ(field("year", 1), (V{"1970", "2024"}));
}

TEST(Extras, DateAddAndDateDiff) {
  // 2024-01-31 10:00:00 = 19753 days + 10 h.
  const int64_t jan31 = 19753 * 86400000000LL + 36000000000LL;
  Batch b = MakeBatch({Timestamps({jan31, kMay15}), Dates({19783, 19782})});
  EXPECT_EQ(Eval(*Call("date_add", Str("month"), Int(1), Col(b, 0)), b),
            (V{"TIMESTAMP '2024-02-29 10:00:00.000'", "TIMESTAMP '2024-06-15 13:45:30.123'"}));
  EXPECT_EQ(Eval(*Call("date_add", Str("hour"), Int32(-11), Col(b, 0)), b)[0],
            "TIMESTAMP '2024-01-30 23:00:00.000'");
  EXPECT_EQ(Eval(*Call("date_add", Str("day"), Int(-1), Col(b, 1)), b),
            (V{"DATE '2024-02-29'", "DATE '2024-02-28'"}));
  EXPECT_EQ(Eval(*Call("date_add", Str("year"), Int(1), Col(b, 1)), b),
            (V{"DATE '2025-03-01'", "DATE '2025-02-28'"}));
  EXPECT_EQ(Eval(*Call("date_add", Str("quarter"), Int(-1), Col(b, 1)), b)[1], "DATE '2023-11-29'");
  // jan31 to 2024-02-29: 29 days 0 h, 0 whole months; to May 15: 3 whole months.
  Batch d =
      MakeBatch({Timestamps({jan31, jan31}), Timestamps({jan31 + 29 * 86400000000LL, kMay15})});
  EXPECT_EQ(Eval(*Call("date_diff", Str("day"), Col(d, 0), Col(d, 1)), d), (V{"29", "105"}));
  EXPECT_EQ(Eval(*Call("date_diff", Str("month"), Col(d, 0), Col(d, 1)), d), (V{"0", "3"}));
  EXPECT_EQ(Eval(*Call("date_diff", Str("quarter"), Col(d, 0), Col(d, 1)), d), (V{"0", "1"}));
  EXPECT_EQ(Eval(*Call("date_diff", Str("month"), Col(d, 1), Col(d, 0)), d), (V{"0", "-3"}));
  EXPECT_EQ(Eval(*Call("date_diff", Str("hour"), Col(d, 1), Col(d, 0)), d)[0], "-696");
  EXPECT_TRUE(BindError("date_add", Str("eon"), Int(1), Col(b, 0)).IsInvalid());
  EXPECT_EQ(Call("current_date")->type, TypeId::kDate);
}

TEST(Extras, StringsMathGreatestLeast) {
  EXPECT_EQ(EvalConst(*Call("ltrim", Str("  a  "))), "'a  '");
  EXPECT_EQ(EvalConst(*Call("rtrim", Str("  a  "))), "'  a'");
  EXPECT_EQ(EvalConst(*Call("btrim", Str("  a  "))), "'a'");
  EXPECT_EQ(EvalConst(*Call("trim", Str("xyaxy"), Str("yx"))), "'a'");
  EXPECT_EQ(EvalConst(*Call("ltrim",
                            Str("\xc3\xa9\xc3\xa9"
                                "a\xc3\xa9"),
                            Str("\xc3\xa9"))),
            "'a\xc3\xa9'");
  EXPECT_EQ(EvalConst(*Call("rtrim", Str("xax"), Str("x"))), "'xa'");
  EXPECT_EQ(EvalConst(*Call("position", Str("abc"), Str("c"))), "3");
  EXPECT_EQ(EvalConst(*Call("extract", Str("YEAR"), Cast(Str("2021-07-04"), TypeId::kDate))),
            "2021");
  EXPECT_EQ(EvalConst(*Call("date_part", Str("dow"), Cast(Str("2021-07-04"), TypeId::kDate))),
            "7");  // a Sunday
  EXPECT_TRUE(BindError("extract", Str("fortnight"), Int(1)).IsInvalid());
  EXPECT_EQ(EvalConst(*Call("replace", Str("banana"), Str("an"), Str("AN"))), "'bANANa'");
  EXPECT_EQ(EvalConst(*Call("replace", Str("banana"), Str("a"))), "'bnn'");
  EXPECT_EQ(EvalConst(*Call("replace", Str("ab"), Str(""), Str("-"))), "'-a-b-'");
  EXPECT_EQ(EvalConst(*Call("strpos", Str("h\xc3\xa9llo"), Str("l"))), "3");
  EXPECT_EQ(EvalConst(*Call("strpos", Str("abc"), Str("z"))), "0");
  EXPECT_EQ(EvalConst(*Call("power", Int(2), Int(10))), "1024.0");
  EXPECT_EQ(EvalConst(*Call("pow", Dbl(4), Dbl(0.5))), "2.0");
  EXPECT_EQ(EvalConst(*Call("ln", Int(1))), "0.0");
  EXPECT_EQ(EvalConst(*Call("exp", Int(0))), "1.0");
  EXPECT_EQ(EvalConst(*Call("log10", Int(1000))), "3.0");
  EXPECT_EQ(EvalConst(*Call("log2", Int(8))), "3.0");
  EXPECT_EQ(EvalConst(*Call("sign", Int(-5))), "-1");
  EXPECT_EQ(EvalConst(*Call("sign", Dbl(2.5))), "1.0");
  EXPECT_EQ(EvalConst(*Call("mod", Int(7), Int(3))), "1");
  Batch b = MakeBatch({Ints64({1, 9, std::nullopt}), Ints32({5, 5, 5})});
  auto g = Call("greatest", Col(b, 0), Col(b, 1), Int32(3));
  EXPECT_EQ(g->type, TypeId::kInt64);
  EXPECT_EQ(Eval(*g, b), (V{"5", "9", "NULL"}));
  EXPECT_EQ(Eval(*Call("least", Col(b, 0), Col(b, 1)), b), (V{"1", "5", "NULL"}));
  EXPECT_EQ(EvalConst(*Call("greatest", Str("pear"), Str("apple"))), "'pear'");
  EXPECT_TRUE(BindError("greatest", Int(1), Str("a")).IsInvalid());
}

}  // namespace
}  // namespace stedi::sql
