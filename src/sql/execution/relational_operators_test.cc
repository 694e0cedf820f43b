#include "sql/execution/relational_operators.h"

#include <gtest/gtest.h>

#include <numeric>

#include "sql/expression/function_binder.h"

namespace stedi::sql {
namespace {

std::shared_ptr<const Schema> OneIntSchema(const std::string& name = "x") {
  return std::make_shared<const Schema>(std::vector<Field>{{name, TypeId::kInt64}});
}

Batch IntBatch(const std::shared_ptr<const Schema>& schema, const std::vector<int64_t>& values) {
  ColumnBuilder b(TypeId::kInt64);
  for (int64_t v : values) b.AppendInt64(v);
  std::vector<Column> columns;
  columns.push_back(b.Finish());
  return Batch(schema, std::move(columns));
}

// A source that counts how many batches were pulled from it.
class CountingSource : public Operator {
 public:
  CountingSource(std::shared_ptr<const Schema> schema, std::vector<Batch> batches)
      : inner_(MakeBatchSource(std::move(schema), std::move(batches))) {}
  const std::shared_ptr<const Schema>& schema() const override { return inner_->schema(); }
  Result<std::optional<Batch>> Next() override {
    ++pulls;
    return inner_->Next();
  }
  std::string Describe() const override { return "Counting"; }
  int pulls = 0;

 private:
  OperatorPtr inner_;
};

// Drains OP and returns every value of its first (int64) column.
std::vector<int64_t> Drain(Operator& op) {
  std::vector<int64_t> out;
  while (true) {
    auto next = op.Next();
    EXPECT_TRUE(next.ok()) << next.status().ToString();
    if (!next.ok() || !next->has_value()) break;
    const Batch& b = **next;
    EXPECT_GT(b.num_rows(), 0u);
    for (size_t i = 0; i < b.num_rows(); ++i) out.push_back(b.column(0).GetInt64(i));
  }
  auto again = op.Next();
  EXPECT_TRUE(again.ok() && !again->has_value());
  return out;
}

BoundExprPtr Bind(std::string_view fn, BoundExprPtr a, BoundExprPtr b) {
  std::vector<BoundExprPtr> args;
  args.push_back(std::move(a));
  args.push_back(std::move(b));
  auto r = BindCall(fn, std::move(args), 0, "");
  EXPECT_TRUE(r.ok()) << r.status().ToString();
  return r.MoveValue();
}

BoundExprPtr X() { return BoundExpr::Column(0, TypeId::kInt64, "x"); }
BoundExprPtr Int(int64_t v) { return BoundExpr::Constant({TypeId::kInt64, v}); }

TEST(Filter, KeepsMatchingRowsAndSkipsEmptyBatches) {
  auto s = OneIntSchema();
  std::vector<Batch> batches;
  batches.push_back(IntBatch(s, {1, 2, 3}));
  batches.push_back(IntBatch(s, {10, 11}));  // nothing qualifies
  batches.push_back(IntBatch(s, {4, 5}));
  auto filter = MakeFilter(MakeBatchSource(s, std::move(batches)), Bind("%", X(), Int(2)));
  // x % 2 is not boolean: binding x % 2 = 1 instead.
  auto odd = MakeFilter(
      MakeBatchSource(s, {IntBatch(s, {1, 2, 3}), IntBatch(s, {10, 12}), IntBatch(s, {4, 5})}),
      Bind("=", Bind("%", X(), Int(2)), Int(1)));
  EXPECT_EQ(Drain(*odd), (std::vector<int64_t>{1, 3, 5}));
  EXPECT_EQ(odd->Describe(), "Filter ((x % 2) = 1)");
  EXPECT_FALSE(filter->Next().ok());  // a bigint predicate is an error, not a silent pass
}

TEST(Filter, KeepsNullsOfOtherColumnsInSelectedRows) {
  auto s = std::make_shared<const Schema>(
      std::vector<Field>{{"x", TypeId::kInt64}, {"note", TypeId::kString}});
  ColumnBuilder x(TypeId::kInt64);
  ColumnBuilder note(TypeId::kString);
  // x: 5, NULL, 7, 0; note: NULL, 'b', 'c', NULL. x > 1 keeps rows 0 and 2.
  x.AppendInt64(5);
  x.AppendNull();
  x.AppendInt64(7);
  x.AppendInt64(0);
  note.AppendNull();
  note.AppendString("b");
  note.AppendString("c");
  note.AppendNull();
  std::vector<Column> columns;
  columns.push_back(x.Finish());
  columns.push_back(note.Finish());
  std::vector<Batch> batches;
  batches.push_back(Batch(s, std::move(columns)));
  auto filter = MakeFilter(MakeBatchSource(s, std::move(batches)), Bind(">", X(), Int(1)));
  auto b = filter->Next();
  ASSERT_TRUE(b.ok() && b->has_value());
  ASSERT_EQ((*b)->num_rows(), 2u);
  EXPECT_EQ((*b)->column(0).GetInt64(0), 5);
  EXPECT_EQ((*b)->column(0).GetInt64(1), 7);
  EXPECT_TRUE((*b)->column(1).IsNull(0));
  EXPECT_FALSE((*b)->column(1).IsNull(1));
  EXPECT_EQ((*b)->column(1).GetString(1), "c");
}

TEST(Projection, ComputesExpressions) {
  auto s = OneIntSchema();
  auto out_schema = std::make_shared<const Schema>(
      std::vector<Field>{{"y", TypeId::kInt64}, {"big", TypeId::kBoolean}});
  std::vector<BoundExprPtr> exprs;
  exprs.push_back(Bind("*", X(), Int(10)));
  exprs.push_back(Bind(">", X(), Int(1)));
  auto proj =
      MakeProjection(MakeBatchSource(s, {IntBatch(s, {1, 2})}), std::move(exprs), out_schema);
  auto b = proj->Next();
  ASSERT_TRUE(b.ok() && b->has_value());
  EXPECT_EQ((*b)->schema(), out_schema);
  EXPECT_TRUE((*b)->Validate().ok());
  EXPECT_EQ((*b)->column(0).GetInt64(1), 20);
  EXPECT_FALSE((*b)->column(1).GetBool(0));
  EXPECT_TRUE((*b)->column(1).GetBool(1));
  EXPECT_EQ(proj->Describe(), "Projection [(x * 10), (x > 1)]");
}

TEST(Limit, OffsetAndLimitAcrossBatchesStopsPulling) {
  auto s = OneIntSchema();
  std::vector<Batch> batches;
  for (int k = 0; k < 5; ++k) batches.push_back(IntBatch(s, {k * 3, k * 3 + 1, k * 3 + 2}));
  auto source = std::make_unique<CountingSource>(s, std::move(batches));
  CountingSource* counter = source.get();
  auto limit = MakeLimit(std::move(source), 4, 2);
  EXPECT_EQ(Drain(*limit), (std::vector<int64_t>{2, 3, 4, 5}));
  EXPECT_EQ(counter->pulls, 2);  // rows 0..5 come from the first two batches
  EXPECT_EQ(limit->Describe(), "Limit 4 offset 2");

  auto all =
      MakeLimit(MakeBatchSource(s, {IntBatch(s, {1, 2}), IntBatch(s, {3})}), std::nullopt, 1);
  EXPECT_EQ(Drain(*all), (std::vector<int64_t>{2, 3}));
  auto zero = MakeLimit(MakeBatchSource(s, {IntBatch(s, {1})}), 0, 0);
  EXPECT_TRUE(Drain(*zero).empty());
  auto past = MakeLimit(MakeBatchSource(s, {IntBatch(s, {1})}), 5, 3);
  EXPECT_TRUE(Drain(*past).empty());
}

TEST(UnionAll, ConcatenatesInOrderWithOutputSchema) {
  auto a = OneIntSchema("a");
  auto b = OneIntSchema("b");
  auto out = OneIntSchema("u");
  std::vector<OperatorPtr> children;
  children.push_back(MakeBatchSource(a, {IntBatch(a, {1}), IntBatch(a, {2, 3})}));
  children.push_back(MakeBatchSource(b, {}));
  children.push_back(MakeBatchSource(b, {IntBatch(b, {4})}));
  auto u = MakeUnionAll(std::move(children), out);
  auto first = u->Next();
  ASSERT_TRUE(first.ok() && first->has_value());
  EXPECT_EQ((*first)->schema(), out);
  EXPECT_EQ(Drain(*u), (std::vector<int64_t>{2, 3, 4}));
  EXPECT_EQ(u->Describe(), "UnionAll 3 inputs");
}

TEST(SingleRow, OneRowNoColumns) {
  auto op = MakeSingleRow();
  auto b = op->Next();
  ASSERT_TRUE(b.ok() && b->has_value());
  EXPECT_EQ((*b)->num_rows(), 1u);
  EXPECT_EQ((*b)->num_columns(), 0u);
  EXPECT_EQ(op->schema()->num_fields(), 0u);
  auto end = op->Next();
  EXPECT_TRUE(end.ok() && !end->has_value());
  // SELECT 1 + 2: a projection over the single row.
  std::vector<BoundExprPtr> exprs;
  exprs.push_back(Bind("+", Int(1), Int(2)));
  auto proj = MakeProjection(MakeSingleRow(), std::move(exprs), OneIntSchema("v"));
  EXPECT_EQ(Drain(*proj), (std::vector<int64_t>{3}));
}

TEST(BatchSource, SkipsEmptyBatches) {
  auto s = OneIntSchema();
  auto op = MakeBatchSource(s, {IntBatch(s, {}), IntBatch(s, {7}), IntBatch(s, {})});
  EXPECT_EQ(Drain(*op), (std::vector<int64_t>{7}));
  EXPECT_EQ(op->Describe(), "BatchSource 3 batches");
}

}  // namespace
}  // namespace stedi::sql
