#include <gtest/gtest.h>
#include <unistd.h>

#include <algorithm>
#include <cmath>
#include <cstring>
#include <limits>
#include <map>
#include <optional>
#include <random>
#include <string>
#include <vector>

#include "columnar/column_kernels.h"
#include "sql/execution/aggregate.h"
#include "sql/execution/sort.h"
#include "sql/execution/spill_file.h"
#include "sql/execution/window.h"
#include "sql/expression/function_binder.h"
#include "storage/file_system.h"

namespace stedi::sql {

namespace {

// ---- Building inputs ----------------------------------------------------------------------

using Cell = std::optional<std::string>;  // test-side value: nullopt is NULL, else text
const Cell kNull = std::nullopt;

class VectorSource : public Operator {
 public:
  VectorSource(std::shared_ptr<const Schema> schema, std::vector<Batch> batches)
      : schema_(std::move(schema)), batches_(std::move(batches)) {}
  const std::shared_ptr<const Schema>& schema() const override { return schema_; }
  Result<std::optional<Batch>> Next() override {
    while (next_ < batches_.size()) {
      if (batches_[next_].num_rows() > 0) return std::optional<Batch>(batches_[next_++]);
      ++next_;
    }
    return std::optional<Batch>();
  }
  std::string Describe() const override { return "VectorSource"; }

 private:
  std::shared_ptr<const Schema> schema_;
  std::vector<Batch> batches_;
  size_t next_ = 0;
};

// A table given as text cells per row; parsed by column type.
struct Table {
  std::shared_ptr<const Schema> schema;
  std::vector<std::vector<Cell>> rows;
};

void AppendCell(ColumnBuilder* b, const Cell& cell) {
  if (!cell) {
    b->AppendNull();
    return;
  }
  switch (b->type()) {
    case TypeId::kBoolean:
      b->AppendBool(*cell == "true");
      break;
    case TypeId::kInt32:
    case TypeId::kDate:
      b->AppendInt32(std::stoi(*cell));
      break;
    case TypeId::kInt64:
    case TypeId::kTimestamp:
      b->AppendInt64(std::stoll(*cell));
      break;
    case TypeId::kFloat64:
      b->AppendDouble(*cell == "nan" ? std::numeric_limits<double>::quiet_NaN() : std::stod(*cell));
      break;
    default:
      b->AppendString(*cell);
      break;
  }
}

// Splits TABLE into batches of BATCH_ROWS rows.
OperatorPtr Source(const Table& table, size_t batch_rows = 3) {
  std::vector<Batch> batches;
  for (size_t begin = 0; begin < table.rows.size(); begin += batch_rows) {
    BatchBuilder b(table.schema);
    for (size_t r = begin; r < std::min(table.rows.size(), begin + batch_rows); ++r) {
      for (size_t c = 0; c < table.schema->num_fields(); ++c)
        AppendCell(&b.column(c), table.rows[r][c]);
    }
    batches.push_back(b.Finish());
  }
  return std::make_unique<VectorSource>(table.schema, std::move(batches));
}

std::string FormatDouble(double v) {
  if (std::isnan(v)) return "nan";
  char buf[64];
  std::snprintf(buf, sizeof(buf), "%.10g", v);
  return buf;
}

Cell CellOf(const Column& c, size_t row) {
  if (c.IsNull(row)) return kNull;
  switch (c.type()) {
    case TypeId::kBoolean:
      return std::string(c.GetBool(row) ? "true" : "false");
    case TypeId::kInt32:
    case TypeId::kDate:
      return std::to_string(c.GetInt32(row));
    case TypeId::kInt64:
    case TypeId::kTimestamp:
      return std::to_string(c.GetInt64(row));
    case TypeId::kFloat64:
      return FormatDouble(c.GetDouble(row));
    default:
      return std::string(c.GetString(row));
  }
}

using Rows = std::vector<std::vector<Cell>>;

Rows Drain(Operator& op) {
  Rows rows;
  while (true) {
    auto next = op.Next();
    EXPECT_TRUE(next.ok()) << next.status().ToString();
    if (!next.ok() || !*next) break;
    const Batch& b = **next;
    EXPECT_GT(b.num_rows(), 0u);
    EXPECT_TRUE(b.Validate().ok()) << b.Validate().ToString();
    for (size_t r = 0; r < b.num_rows(); ++r) {
      std::vector<Cell> row;
      for (const Column& c : b.columns()) row.push_back(CellOf(c, r));
      rows.push_back(std::move(row));
    }
  }
  auto after = op.Next();
  EXPECT_TRUE(after.ok() && !*after);
  return rows;
}

Rows Sorted(Rows rows) {
  std::sort(rows.begin(), rows.end());
  return rows;
}

std::shared_ptr<const Schema> MakeSchema(
    const std::vector<std::pair<std::string, TypeId>>& fields) {
  std::vector<Field> out;
  for (auto& [n, t] : fields) out.push_back(Field{n, t});
  return std::make_shared<const Schema>(std::move(out));
}

BoundExprPtr Col(const Table& t, size_t i) {
  return BoundExpr::Column(i, t.schema->field(i).type, t.schema->field(i).name);
}

BoundExprPtr IntConstant(int64_t v, TypeId type = TypeId::kInt64) {
  auto e = std::make_unique<BoundExpr>();
  e->kind = BoundExpr::Kind::kConstant;
  e->type = type;
  e->constant = ScalarValue{type, v};
  return e;
}

AggregateSpec Agg(std::string fn, BoundExprPtr arg, TypeId result, bool distinct = false) {
  AggregateSpec s;
  s.function = std::move(fn);
  s.arg = std::move(arg);
  s.result_type = result;
  s.distinct = distinct;
  return s;
}

// Spill files go to an in-memory file system shared by all tests.
FileSystem* SpillFileSystem() {
  static std::unique_ptr<FileSystem> fs = NewMemoryFileSystem();
  return fs.get();
}

ExecutionContext Context(size_t limit = size_t{1} << 30) {
  ExecutionContext c;
  c.fs = SpillFileSystem();
  c.temp_dir = "/spill";
  c.memory_limit_bytes = limit;
  return c;
}

// ---- Hash aggregate ------------------------------------------------------------------------

Table Sales() {
  Table t;
  t.schema = MakeSchema({{"k", TypeId::kString},
                         {"v", TypeId::kInt64},
                         {"d", TypeId::kFloat64},
                         {"i", TypeId::kInt32}});
  t.rows = {{"a", "1", "1.5", "7"},      {"b", "10", kNull, "3"},   {"a", kNull, "2.5", "-2"},
            {"a", "4", "-1", kNull},     {kNull, "5", "0.25", "1"}, {"b", "10", "3", "3"},
            {kNull, kNull, kNull, kNull}};
  return t;
}

TEST(HashAggregate, EveryAggregatePerGroup) {
  Table t = Sales();
  std::vector<BoundExprPtr> groups;
  groups.push_back(Col(t, 0));
  std::vector<AggregateSpec> aggs;
  aggs.push_back(Agg("count_star", nullptr, TypeId::kInt64));
  aggs.push_back(Agg("count", Col(t, 1), TypeId::kInt64));
  aggs.push_back(Agg("sum", Col(t, 1), TypeId::kInt64));
  aggs.push_back(Agg("sum", Col(t, 2), TypeId::kFloat64));
  aggs.push_back(Agg("sum", Col(t, 3), TypeId::kInt64));
  aggs.push_back(Agg("avg", Col(t, 1), TypeId::kFloat64));
  aggs.push_back(Agg("avg", Col(t, 2), TypeId::kFloat64));
  aggs.push_back(Agg("min", Col(t, 3), TypeId::kInt32));
  aggs.push_back(Agg("max", Col(t, 2), TypeId::kFloat64));
  aggs.push_back(Agg("min", Col(t, 0), TypeId::kString));
  aggs.push_back(Agg("max", Col(t, 1), TypeId::kInt64));
  auto out_schema = MakeSchema({{"k", TypeId::kString},
                                {"n", TypeId::kInt64},
                                {"c", TypeId::kInt64},
                                {"sv", TypeId::kInt64},
                                {"sd", TypeId::kFloat64},
                                {"si", TypeId::kInt64},
                                {"av", TypeId::kFloat64},
                                {"ad", TypeId::kFloat64},
                                {"mi", TypeId::kInt32},
                                {"md", TypeId::kFloat64},
                                {"ms", TypeId::kString},
                                {"mv", TypeId::kInt64}});
  ExecutionContext ctx = Context();
  auto op = MakeHashAggregate(Source(t), std::move(groups), std::move(aggs), out_schema, &ctx);
  Rows expected = {
      // a: v {1, NULL, 4}, d {1.5, 2.5, -1}, i {7, -2, NULL}
      {"a", "3", "2", "5", "3", "5", "2.5", "1", "-2", "2.5", "a", "4"},
      // b: v {10, 10}, d {NULL, 3}, i {3, 3}
      {"b", "2", "2", "20", "3", "6", "10", "3", "3", "3", "b", "10"},
      // NULL: v {5, NULL}, d {0.25, NULL}, i {1, NULL}
      {kNull, "2", "1", "5", "0.25", "1", "5", "0.25", "1", "0.25", kNull, "5"},
  };
  EXPECT_EQ(Sorted(Drain(*op)), Sorted(expected));
}

TEST(HashAggregate, NoGroupsGivesOneRowEvenWhenEmpty) {
  Table t = Sales();
  for (bool empty : {true, false}) {
    Table input = t;
    if (empty) input.rows.clear();
    std::vector<AggregateSpec> aggs;
    aggs.push_back(Agg("count_star", nullptr, TypeId::kInt64));
    aggs.push_back(Agg("count", Col(t, 2), TypeId::kInt64));
    aggs.push_back(Agg("sum", Col(t, 1), TypeId::kInt64));
    aggs.push_back(Agg("avg", Col(t, 2), TypeId::kFloat64));
    aggs.push_back(Agg("min", Col(t, 0), TypeId::kString));
    aggs.push_back(Agg("max", Col(t, 0), TypeId::kString));
    auto out_schema = MakeSchema({{"n", TypeId::kInt64},
                                  {"c", TypeId::kInt64},
                                  {"s", TypeId::kInt64},
                                  {"a", TypeId::kFloat64},
                                  {"lo", TypeId::kString},
                                  {"hi", TypeId::kString}});
    ExecutionContext ctx = Context();
    auto op = MakeHashAggregate(Source(input), {}, std::move(aggs), out_schema, &ctx);
    Rows expected = empty ? Rows{{"0", "0", kNull, kNull, kNull, kNull}}
                          // d: 1.5 + 2.5 - 1 + 0.25 + 3 = 6.25 over 5 values
                          : Rows{{"7", "5", "30", "1.25", "a", "b"}};
    EXPECT_EQ(Drain(*op), expected) << (empty ? "empty" : "full");
  }
}

TEST(HashAggregate, DistinctAggregates) {
  Table t;
  t.schema = MakeSchema({{"g", TypeId::kInt64}, {"x", TypeId::kInt64}, {"s", TypeId::kString}});
  t.rows = {{"1", "5", "p"}, {"1", "5", "q"}, {"1", "2", "p"}, {"1", kNull, kNull},
            {"2", "7", "z"}, {"2", "7", "z"}, {"2", "7", "y"}, {"3", kNull, kNull}};
  std::vector<BoundExprPtr> groups;
  groups.push_back(Col(t, 0));
  std::vector<AggregateSpec> aggs;
  aggs.push_back(Agg("count", Col(t, 1), TypeId::kInt64, true));
  aggs.push_back(Agg("sum", Col(t, 1), TypeId::kInt64, true));
  aggs.push_back(Agg("sum", Col(t, 1), TypeId::kInt64, false));
  aggs.push_back(Agg("count", Col(t, 2), TypeId::kInt64, true));
  aggs.push_back(Agg("avg", Col(t, 1), TypeId::kFloat64, true));
  auto out_schema = MakeSchema({{"g", TypeId::kInt64},
                                {"cd", TypeId::kInt64},
                                {"sd", TypeId::kInt64},
                                {"s", TypeId::kInt64},
                                {"cs", TypeId::kInt64},
                                {"ad", TypeId::kFloat64}});
  ExecutionContext ctx = Context();
  auto op = MakeHashAggregate(Source(t), std::move(groups), std::move(aggs), out_schema, &ctx);
  Rows expected = {{"1", "2", "7", "12", "2", "3.5"},
                   {"2", "1", "7", "21", "2", "7"},
                   {"3", "0", kNull, kNull, "0", kNull}};
  EXPECT_EQ(Sorted(Drain(*op)), Sorted(expected));
}

TEST(HashAggregate, MultipleKeysWithStringsAndNulls) {
  Table t;
  t.schema = MakeSchema({{"s", TypeId::kString}, {"n", TypeId::kInt32}, {"b", TypeId::kBoolean}});
  t.rows = {{"x", "1", "true"},    {"x", "1", "true"},    {"x", kNull, "true"},
            {kNull, "1", "true"},  {kNull, kNull, kNull}, {"x", "1", "false"},
            {kNull, kNull, kNull}, {"", "1", "true"},     {kNull, "1", "true"}};
  std::vector<BoundExprPtr> groups;
  for (size_t i = 0; i < 3; ++i) groups.push_back(Col(t, i));
  std::vector<AggregateSpec> aggs;
  aggs.push_back(Agg("count_star", nullptr, TypeId::kInt64));
  auto out_schema = MakeSchema({{"s", TypeId::kString},
                                {"n", TypeId::kInt32},
                                {"b", TypeId::kBoolean},
                                {"c", TypeId::kInt64}});
  ExecutionContext ctx = Context();
  auto op = MakeHashAggregate(Source(t, 2), std::move(groups), std::move(aggs), out_schema, &ctx);
  Rows expected = {{"x", "1", "true", "2"},    {"x", kNull, "true", "1"}, {kNull, "1", "true", "2"},
                   {kNull, kNull, kNull, "2"}, {"x", "1", "false", "1"},  {"", "1", "true", "1"}};
  EXPECT_EQ(Sorted(Drain(*op)), Sorted(expected));
}

TEST(HashAggregate, NoAggregatesIsDistinctAndDoubleKeysNormalise) {
  Table t;
  t.schema = MakeSchema({{"d", TypeId::kFloat64}});
  t.rows = {{"0"}, {"-0"}, {"nan"}, {"1.5"}, {"nan"}, {kNull}, {"1.5"}, {kNull}};
  std::vector<BoundExprPtr> groups;
  groups.push_back(Col(t, 0));
  ExecutionContext ctx = Context();
  auto op = MakeHashAggregate(Source(t), std::move(groups), {}, t.schema, &ctx);
  Rows rows = Sorted(Drain(*op));
  ASSERT_EQ(rows.size(), 4u);  // 0 (either sign), nan, 1.5, NULL
  Rows without_zero;
  for (auto& r : rows) {
    if (r[0] == Cell("0") || r[0] == Cell("-0")) continue;
    without_zero.push_back(r);
  }
  EXPECT_EQ(without_zero, Sorted(Rows{{"1.5"}, {"nan"}, {kNull}}));
}

TEST(HashAggregate, SumOverflowIsAnError) {
  Table t;
  t.schema = MakeSchema({{"v", TypeId::kInt64}});
  t.rows = {{"9223372036854775807"}, {"1"}};
  std::vector<AggregateSpec> aggs;
  aggs.push_back(Agg("sum", Col(t, 0), TypeId::kInt64));
  ExecutionContext ctx = Context();
  auto op =
      MakeHashAggregate(Source(t), {}, std::move(aggs), MakeSchema({{"s", TypeId::kInt64}}), &ctx);
  EXPECT_FALSE(op->Next().ok());
}

// ---- Sort ----------------------------------------------------------------------------------

SortKey Key(const Table& t, size_t i, bool desc = false, bool nulls_first = false) {
  return SortKey{Col(t, i), desc, nulls_first};
}

Table Mixed() {
  Table t;
  t.schema = MakeSchema({{"n", TypeId::kInt64}, {"s", TypeId::kString}, {"id", TypeId::kInt32}});
  t.rows = {{"3", "b", "0"},  {kNull, "a", "1"}, {"1", kNull, "2"}, {"3", "a", "3"},
            {"-7", "c", "4"}, {"1", "b", "5"},   {kNull, "b", "6"}, {"3", "b", "7"}};
  return t;
}

std::vector<std::string> Ids(const Rows& rows, size_t col) {
  std::vector<std::string> ids;
  for (auto& r : rows) ids.push_back(r[col].value_or("NULL"));
  return ids;
}

TEST(Sort, DirectionsAndNullPlacement) {
  Table t = Mixed();
  ExecutionContext ctx = Context();
  struct Case {
    bool desc, nulls_first;
    std::vector<std::string> ids;
  };
  // Equal keys keep input order (stable).
  std::vector<Case> cases = {{false, false, {"4", "2", "5", "0", "3", "7", "1", "6"}},
                             {false, true, {"1", "6", "4", "2", "5", "0", "3", "7"}},
                             {true, false, {"0", "3", "7", "2", "5", "4", "1", "6"}},
                             {true, true, {"1", "6", "0", "3", "7", "2", "5", "4"}}};
  for (const Case& c : cases) {
    std::vector<SortKey> keys;
    keys.push_back(Key(t, 0, c.desc, c.nulls_first));
    auto op = MakeSort(Source(t), std::move(keys), std::nullopt, &ctx);
    EXPECT_EQ(Ids(Drain(*op), 2), c.ids) << c.desc << c.nulls_first;
  }
}

TEST(Sort, MultipleKeysAndTopN) {
  Table t = Mixed();
  ExecutionContext ctx = Context();
  for (std::optional<size_t> limit : {std::optional<size_t>(), std::optional<size_t>(3),
                                      std::optional<size_t>(0), std::optional<size_t>(100)}) {
    std::vector<SortKey> keys;
    keys.push_back(Key(t, 0, true, false));  // n DESC NULLS LAST
    keys.push_back(Key(t, 1, false, true));  // s ASC NULLS FIRST
    auto op = MakeSort(Source(t), std::move(keys), limit, &ctx);
    std::vector<std::string> all = {"3", "0", "7", "2", "5", "4", "1", "6"};
    all.resize(std::min(all.size(), limit.value_or(all.size())));
    EXPECT_EQ(Ids(Drain(*op), 2), all);
  }
}

TEST(Sort, DoublesNanLastAndNegativeZeroEqual) {
  Table t;
  t.schema = MakeSchema({{"d", TypeId::kFloat64}, {"id", TypeId::kInt32}});
  t.rows = {{"nan", "0"}, {"0", "1"},     {"-inf", "2"}, {"-0", "3"},
            {kNull, "4"}, {"1e300", "5"}, {"-2.5", "6"}, {"0", "7"}};
  ExecutionContext ctx = Context();
  std::vector<SortKey> keys;
  keys.push_back(Key(t, 0));
  auto op = MakeSort(Source(t), std::move(keys), std::nullopt, &ctx);
  EXPECT_EQ(Ids(Drain(*op), 1), (std::vector<std::string>{"2", "6", "1", "3", "7", "5", "0", "4"}));
  // Through the generic comparator (two keys) the same holds, descending.
  std::vector<SortKey> keys2;
  keys2.push_back(Key(t, 0, true));
  keys2.push_back(Key(t, 1));
  auto op2 = MakeSort(Source(t), std::move(keys2), std::nullopt, &ctx);
  EXPECT_EQ(Ids(Drain(*op2), 1),
            (std::vector<std::string>{"0", "5", "1", "3", "7", "6", "2", "4"}));
}

TEST(Sort, EveryTypeAsSingleAndGenericKey) {
  Table t;
  t.schema = MakeSchema({{"b", TypeId::kBoolean},
                         {"i", TypeId::kInt32},
                         {"dt", TypeId::kDate},
                         {"ts", TypeId::kTimestamp},
                         {"bin", TypeId::kBinary},
                         {"id", TypeId::kInt64}});
  t.rows = {{"true", "-5", "19000", "-1", "b", "0"},
            {"false", "2147483647", "-3", "1700000000000000", "", "1"},
            {kNull, kNull, kNull, kNull, kNull, "2"},
            {"true", "-2147483648", "0", "0", "ab", "3"},
            {"false", "0", "19000", "-9223372036854775807", "a", "4"}};
  ExecutionContext ctx = Context();
  // Ascending, nulls last; ties keep input order.
  const std::vector<std::vector<std::string>> expected = {
      {"1", "4", "0", "3", "2"},  // b: false, false, true, true, NULL
      {"3", "0", "4", "1", "2"},  // i
      {"1", "3", "0", "4", "2"},  // dt: -3, 0, 19000 (0), 19000 (4)
      {"4", "0", "3", "1", "2"},  // ts
      {"1", "4", "3", "0", "2"},  // bin: "", a, ab, b
  };
  for (size_t c = 0; c < 5; ++c) {
    for (bool generic : {false, true}) {
      std::vector<SortKey> keys;
      keys.push_back(Key(t, c));
      // A second key that never decides forces the multi-key comparison.
      if (generic) keys.push_back(SortKey{IntConstant(1), false, false});
      auto op = MakeSort(Source(t), std::move(keys), std::nullopt, &ctx);
      EXPECT_EQ(Ids(Drain(*op), 5), expected[c]) << "column " << c << " generic " << generic;
    }
    // Descending with nulls first reverses the non-null values (ties still in input order).
    std::vector<SortKey> keys;
    keys.push_back(Key(t, c, true, true));
    auto op = MakeSort(Source(t), std::move(keys), std::nullopt, &ctx);
    const std::vector<std::string> ids = Ids(Drain(*op), 5);
    ASSERT_EQ(ids.size(), 5u);
    EXPECT_EQ(ids[0], "2");
  }
}

TEST(HashAggregate, MinMaxAndGroupsOfEveryType) {
  Table t;
  t.schema = MakeSchema({{"b", TypeId::kBoolean},
                         {"dt", TypeId::kDate},
                         {"ts", TypeId::kTimestamp},
                         {"bin", TypeId::kBinary}});
  t.rows = {{"true", "5", "-7", "x"},
            {"false", "-1", "3", kNull},
            {"true", kNull, "9", "xy"},
            {"false", "5", kNull, ""}};
  std::vector<BoundExprPtr> groups;
  groups.push_back(Col(t, 0));
  std::vector<AggregateSpec> aggs;
  aggs.push_back(Agg("min", Col(t, 1), TypeId::kDate));
  aggs.push_back(Agg("max", Col(t, 2), TypeId::kTimestamp));
  aggs.push_back(Agg("min", Col(t, 3), TypeId::kBinary));
  aggs.push_back(Agg("max", Col(t, 3), TypeId::kBinary));
  aggs.push_back(Agg("count", Col(t, 1), TypeId::kInt64, true));
  ExecutionContext ctx = Context();
  auto op = MakeHashAggregate(Source(t), std::move(groups), std::move(aggs),
                              MakeSchema({{"b", TypeId::kBoolean},
                                          {"d", TypeId::kDate},
                                          {"t", TypeId::kTimestamp},
                                          {"lo", TypeId::kBinary},
                                          {"hi", TypeId::kBinary},
                                          {"n", TypeId::kInt64}}),
                              &ctx);
  EXPECT_EQ(Sorted(Drain(*op)),
            Sorted(Rows{{"true", "5", "9", "x", "xy", "1"}, {"false", "-1", "3", "", "", "2"}}));
}

// ---- Window --------------------------------------------------------------------------------

WindowFunctionSpec Fn(const Table& t, std::string name, std::vector<BoundExprPtr> args,
                      const std::vector<size_t>& partition,
                      const std::vector<std::pair<size_t, bool>>& order,
                      TypeId result = TypeId::kInt64) {
  WindowFunctionSpec s;
  s.function = std::move(name);
  s.args = std::move(args);
  for (size_t p : partition) s.partition_by.push_back(Col(t, p));
  for (auto [c, desc] : order) s.order_by.push_back(SortKey{Col(t, c), desc, false});
  s.result_type = result;
  return s;
}

std::vector<BoundExprPtr> Args(BoundExprPtr a, BoundExprPtr b = nullptr, BoundExprPtr c = nullptr) {
  std::vector<BoundExprPtr> v;
  v.push_back(std::move(a));
  if (b) v.push_back(std::move(b));
  if (c) v.push_back(std::move(c));
  return v;
}

Table Scores() {
  Table t;
  t.schema = MakeSchema({{"p", TypeId::kString}, {"o", TypeId::kInt64}, {"v", TypeId::kInt64}});
  t.rows = {{"a", "10", "1"}, {"b", "5", "2"},  {"a", "20", kNull}, {"a", "10", "3"},
            {"b", "5", "4"},  {"a", "30", "5"}, {"b", "1", "6"},    {kNull, "1", "7"}};
  return t;
}

std::shared_ptr<const Schema> WithColumns(
    const Table& t, const std::vector<std::pair<std::string, TypeId>>& extra) {
  std::vector<Field> f = t.schema->fields();
  for (auto& [n, ty] : extra) f.push_back(Field{n, ty});
  return std::make_shared<const Schema>(std::move(f));
}

TEST(Window, RankingAndOffsetsWithPeersAndPartitions) {
  Table t = Scores();
  std::vector<WindowFunctionSpec> fns;
  fns.push_back(Fn(t, "row_number", {}, {0}, {{1, false}}));
  fns.push_back(Fn(t, "rank", {}, {0}, {{1, false}}));
  fns.push_back(Fn(t, "dense_rank", {}, {0}, {{1, false}}));
  fns.push_back(Fn(t, "lag", Args(Col(t, 2)), {0}, {{1, false}}));
  fns.push_back(Fn(t, "lead", Args(Col(t, 2), IntConstant(2), IntConstant(-1)), {0}, {{1, false}}));
  auto schema = WithColumns(t, {{"rn", TypeId::kInt64},
                                {"rk", TypeId::kInt64},
                                {"dr", TypeId::kInt64},
                                {"lag", TypeId::kInt64},
                                {"lead", TypeId::kInt64}});
  ExecutionContext ctx = Context();
  auto op = MakeWindow(Source(t), std::move(fns), schema, &ctx);
  // Partition a by o: (10,1) (10,3) (20,NULL) (30,5); b: (1,6) (5,2) (5,4); NULL: (1,7).
  Rows expected = {
      {"a", "10", "1", "1", "1", "1", kNull, kNull}, {"a", "10", "3", "2", "1", "1", "1", "5"},
      {"a", "20", kNull, "3", "3", "2", "3", "-1"},  {"a", "30", "5", "4", "4", "3", kNull, "-1"},
      {"b", "1", "6", "1", "1", "1", kNull, "4"},    {"b", "5", "2", "2", "2", "2", "6", "-1"},
      {"b", "5", "4", "3", "2", "2", "2", "-1"},     {kNull, "1", "7", "1", "1", "1", kNull, "-1"},
  };
  EXPECT_EQ(Drain(*op), expected);
}

TEST(Window, RunningAggregatesShareValuesAmongPeers) {
  Table t = Scores();
  std::vector<WindowFunctionSpec> fns;
  fns.push_back(Fn(t, "sum", Args(Col(t, 2)), {0}, {{1, false}}));
  fns.push_back(Fn(t, "count", Args(Col(t, 2)), {0}, {{1, false}}));
  fns.push_back(Fn(t, "count_star", {}, {0}, {{1, false}}));
  fns.push_back(Fn(t, "avg", Args(Col(t, 2)), {0}, {{1, false}}, TypeId::kFloat64));
  fns.push_back(Fn(t, "min", Args(Col(t, 2)), {0}, {{1, false}}));
  fns.push_back(Fn(t, "max", Args(Col(t, 2)), {0}, {{1, false}}));
  // Whole partition when there is no ORDER BY.
  fns.push_back(Fn(t, "sum", Args(Col(t, 2)), {0}, {}));
  fns.push_back(Fn(t, "max", Args(Col(t, 0)), {}, {}, TypeId::kString));
  auto schema = WithColumns(t, {{"s", TypeId::kInt64},
                                {"c", TypeId::kInt64},
                                {"n", TypeId::kInt64},
                                {"a", TypeId::kFloat64},
                                {"lo", TypeId::kInt64},
                                {"hi", TypeId::kInt64},
                                {"ps", TypeId::kInt64},
                                {"ms", TypeId::kString}});
  ExecutionContext ctx = Context();
  auto op = MakeWindow(Source(t), std::move(fns), schema, &ctx);
  Rows expected = {
      {"a", "10", "1", "4", "2", "2", "2", "1", "3", "9", "b"},
      {"a", "10", "3", "4", "2", "2", "2", "1", "3", "9", "b"},
      {"a", "20", kNull, "4", "2", "3", "2", "1", "3", "9", "b"},
      {"a", "30", "5", "9", "3", "4", "3", "1", "5", "9", "b"},
      {"b", "1", "6", "6", "1", "1", "6", "6", "6", "12", "b"},
      {"b", "5", "2", "12", "3", "3", "4", "2", "6", "12", "b"},
      {"b", "5", "4", "12", "3", "3", "4", "2", "6", "12", "b"},
      {kNull, "1", "7", "7", "1", "1", "7", "7", "7", "7", "b"},
  };
  EXPECT_EQ(Drain(*op), expected);
}

TEST(Window, DescendingOrderAndEmptyInput) {
  Table t = Scores();
  std::vector<WindowFunctionSpec> fns;
  fns.push_back(Fn(t, "row_number", {}, {}, {{1, true}, {2, false}}));
  auto schema = WithColumns(t, {{"rn", TypeId::kInt64}});
  ExecutionContext ctx = Context();
  auto op = MakeWindow(Source(t), std::move(fns), schema, &ctx);
  Rows rows = Drain(*op);
  ASSERT_EQ(rows.size(), 8u);
  // o DESC then v ASC (NULLS LAST): 30, 20, 10/1, 10/3, 5/2, 5/4, 1/6, 1/7.
  EXPECT_EQ(Ids(rows, 2), (std::vector<std::string>{"5", "NULL", "1", "3", "2", "4", "6", "7"}));
  EXPECT_EQ(Ids(rows, 3), (std::vector<std::string>{"1", "2", "3", "4", "5", "6", "7", "8"}));

  Table empty = t;
  empty.rows.clear();
  std::vector<WindowFunctionSpec> fns2;
  fns2.push_back(Fn(t, "rank", {}, {0}, {{1, false}}));
  auto op2 = MakeWindow(Source(empty), std::move(fns2), schema, &ctx);
  EXPECT_TRUE(Drain(*op2).empty());
}

// ---- Randomised properties against naive references --------------------------------------

// A random table: g (bigint, few values, nulls), s (string, few values, nulls), d (double with
// NaN, infinities and both zeros), v (bigint, nulls), id (row number).
struct RandomTable {
  std::vector<std::optional<int64_t>> g, v;
  std::vector<std::optional<std::string>> s;
  std::vector<std::optional<double>> d;
  Table table;
};

RandomTable MakeRandomTable(std::mt19937_64& rng, size_t rows, int groups) {
  RandomTable r;
  const double doubles[] = {-2.5,
                            -0.0,
                            0.0,
                            1.0,
                            3.25,
                            std::numeric_limits<double>::quiet_NaN(),
                            std::numeric_limits<double>::infinity(),
                            -1e300};
  // Two long strings share their first 8 bytes (sort keys then need the full comparison).
  const char* strings[] = {
      "", "a", "ab", "b", "zz", "\xc3\xa9t\xc3\xa9", "longer-than-8", "longer-than-8!"};
  auto chance = [&](int pct) { return static_cast<int>(rng() % 100) < pct; };
  r.table.schema = MakeSchema({{"g", TypeId::kInt64},
                               {"s", TypeId::kString},
                               {"d", TypeId::kFloat64},
                               {"v", TypeId::kInt64},
                               {"id", TypeId::kInt64}});
  for (size_t i = 0; i < rows; ++i) {
    r.g.push_back(chance(10) ? std::nullopt
                             : std::optional<int64_t>(static_cast<int64_t>(rng() % groups) - 3));
    r.s.push_back(chance(15) ? std::nullopt : std::optional<std::string>(strings[rng() % 8]));
    r.d.push_back(chance(10) ? std::nullopt : std::optional<double>(doubles[rng() % 8]));
    r.v.push_back(chance(20) ? std::nullopt
                             : std::optional<int64_t>(static_cast<int64_t>(rng() % 41) - 20));
    auto cell = [](auto& o, auto f) { return o ? Cell(f(*o)) : kNull; };
    r.table.rows.push_back({cell(r.g[i], [](int64_t x) { return std::to_string(x); }),
                            cell(r.s[i], [](const std::string& x) { return x; }),
                            cell(r.d[i], [](double x) { return FormatDouble(x); }),
                            cell(r.v[i], [](int64_t x) { return std::to_string(x); }),
                            std::to_string(i)});
  }
  return r;
}

int RefCompareDouble(double a, double b) {
  if (std::isnan(a) || std::isnan(b)) return std::isnan(a) - std::isnan(b);
  return a < b ? -1 : (a > b ? 1 : 0);
}

Rows RunAggregate(const RandomTable& r, size_t batch_rows, size_t memory_limit) {
  const Table& t = r.table;
  std::vector<BoundExprPtr> groups;
  groups.push_back(Col(t, 0));
  groups.push_back(Col(t, 1));
  std::vector<AggregateSpec> aggs;
  aggs.push_back(Agg("count_star", nullptr, TypeId::kInt64));
  aggs.push_back(Agg("count", Col(t, 3), TypeId::kInt64));
  aggs.push_back(Agg("sum", Col(t, 3), TypeId::kInt64));
  aggs.push_back(Agg("min", Col(t, 3), TypeId::kInt64));
  aggs.push_back(Agg("max", Col(t, 3), TypeId::kInt64));
  aggs.push_back(Agg("count", Col(t, 3), TypeId::kInt64, true));
  aggs.push_back(Agg("sum", Col(t, 3), TypeId::kInt64, true));
  aggs.push_back(Agg("max", Col(t, 2), TypeId::kFloat64));
  aggs.push_back(Agg("min", Col(t, 2), TypeId::kFloat64));
  aggs.push_back(Agg("count", Col(t, 2), TypeId::kInt64, true));
  auto out_schema = MakeSchema({{"g", TypeId::kInt64},
                                {"s", TypeId::kString},
                                {"n", TypeId::kInt64},
                                {"c", TypeId::kInt64},
                                {"sum", TypeId::kInt64},
                                {"min", TypeId::kInt64},
                                {"max", TypeId::kInt64},
                                {"cd", TypeId::kInt64},
                                {"sd", TypeId::kInt64},
                                {"dmax", TypeId::kFloat64},
                                {"dmin", TypeId::kFloat64},
                                {"dcd", TypeId::kInt64}});
  ExecutionContext ctx = Context(memory_limit);
  auto op = MakeHashAggregate(Source(t, batch_rows), std::move(groups), std::move(aggs), out_schema,
                              &ctx);
  return Drain(*op);
}

TEST(RandomProperties, HashAggregateMatchesNaiveGrouping) {
  std::mt19937_64 rng(42);
  for (int round = 0; round < 6; ++round) {
    const size_t rows = 1 + rng() % 3000;
    RandomTable r = MakeRandomTable(rng, rows, 2 + static_cast<int>(rng() % 200));
    // Reference: groups in a map; distinct values in sets.
    struct Ref {
      int64_t n = 0, c = 0, sum = 0;
      std::optional<int64_t> lo, hi;
      std::map<int64_t, int> distinct;
      std::optional<double> dmax, dmin;
      std::vector<double> ddistinct;
    };
    std::map<std::pair<std::optional<int64_t>, std::optional<std::string>>, Ref> ref;
    for (size_t i = 0; i < rows; ++i) {
      Ref& g = ref[{r.g[i], r.s[i]}];
      ++g.n;
      if (r.v[i]) {
        const int64_t v = *r.v[i];
        ++g.c;
        g.sum += v;
        if (!g.lo || v < *g.lo) g.lo = v;
        if (!g.hi || v > *g.hi) g.hi = v;
        g.distinct[v] = 1;
      }
      if (r.d[i]) {
        const double d = *r.d[i];
        if (!g.dmax || RefCompareDouble(d, *g.dmax) > 0) g.dmax = d;
        if (!g.dmin || RefCompareDouble(d, *g.dmin) < 0) g.dmin = d;
        bool seen = false;
        for (double x : g.ddistinct) seen |= RefCompareDouble(x, d) == 0;
        if (!seen) g.ddistinct.push_back(d);
      }
    }
    Rows expected;
    auto num = [](std::optional<int64_t> x) { return x ? Cell(std::to_string(*x)) : kNull; };
    auto dbl = [](std::optional<double> x) { return x ? Cell(FormatDouble(*x)) : kNull; };
    for (auto& [key, g] : ref) {
      int64_t dsum = 0;
      for (auto& [v, one] : g.distinct) dsum += v;
      expected.push_back({num(key.first), key.second ? Cell(*key.second) : kNull, num(g.n),
                          num(g.c), g.c ? num(g.sum) : kNull, num(g.lo), num(g.hi),
                          num(static_cast<int64_t>(g.distinct.size())), g.c ? num(dsum) : kNull,
                          dbl(g.dmax), dbl(g.dmin), num(static_cast<int64_t>(g.ddistinct.size()))});
    }
    expected = Sorted(expected);
    const size_t batch_rows = 1 + rng() % 300;
    EXPECT_EQ(Sorted(RunAggregate(r, batch_rows, size_t{1} << 30)), expected) << round;
    // Spilling (1 KiB budget) must not change the result.
    EXPECT_EQ(Sorted(RunAggregate(r, batch_rows, 1024)), expected) << round;
  }
}

struct RefKey {
  size_t column;
  bool desc, nulls_first;
};

// Independent comparison of two rows of R on one column.
int RefCompareRows(const RandomTable& r, size_t a, size_t b, const RefKey& k) {
  auto cmp = [&](const auto& x, const auto& y, auto less) {
    if (!x || !y) {
      if (!x && !y) return 0;
      return (!x == k.nulls_first) ? -1 : 1;
    }
    const int c = less(*x, *y);
    return k.desc ? -c : c;
  };
  auto plain = [](const auto& x, const auto& y) { return x < y ? -1 : (y < x ? 1 : 0); };
  switch (k.column) {
    case 0:
      return cmp(r.g[a], r.g[b], plain);
    case 1:
      return cmp(r.s[a], r.s[b], plain);
    case 2:
      return cmp(r.d[a], r.d[b], RefCompareDouble);
    default:
      return cmp(r.v[a], r.v[b], plain);
  }
}

std::vector<std::string> RefSortedIds(const RandomTable& r, const std::vector<RefKey>& keys,
                                      std::optional<size_t> limit) {
  std::vector<size_t> idx(r.g.size());
  for (size_t i = 0; i < idx.size(); ++i) idx[i] = i;
  std::stable_sort(idx.begin(), idx.end(), [&](size_t a, size_t b) {
    for (const RefKey& k : keys) {
      const int c = RefCompareRows(r, a, b, k);
      if (c != 0) return c < 0;
    }
    return false;
  });
  if (limit && *limit < idx.size()) idx.resize(*limit);
  std::vector<std::string> ids;
  for (size_t i : idx) ids.push_back(std::to_string(i));
  return ids;
}

TEST(RandomProperties, SortMatchesStableReferenceWithAndWithoutSpill) {
  std::mt19937_64 rng(7);
  for (int round = 0; round < 24; ++round) {
    const size_t rows = rng() % 2500;
    RandomTable r = MakeRandomTable(rng, rows, 1 + static_cast<int>(rng() % 20));
    std::vector<RefKey> ref_keys;
    const size_t nkeys = 1 + rng() % 3;
    for (size_t k = 0; k < nkeys; ++k) {
      ref_keys.push_back(
          RefKey{static_cast<size_t>(rng() % 4), (rng() & 1) != 0, (rng() & 1) != 0});
    }
    std::optional<size_t> limit;
    if (rng() % 3 == 0) limit = rng() % 50;
    const std::vector<std::string> expected = RefSortedIds(r, ref_keys, limit);
    for (size_t memory : {size_t{1} << 30, size_t{1024}}) {
      std::vector<SortKey> keys;
      for (const RefKey& k : ref_keys)
        keys.push_back(Key(r.table, k.column, k.desc, k.nulls_first));
      ExecutionContext ctx = Context(memory);
      auto op = MakeSort(Source(r.table, 1 + rng() % 400), std::move(keys), limit, &ctx);
      EXPECT_EQ(Ids(Drain(*op), 4), expected) << "round " << round << " memory " << memory;
    }
  }
}

TEST(RandomProperties, WindowMatchesDefinitions) {
  std::mt19937_64 rng(99);
  for (int round = 0; round < 8; ++round) {
    const size_t rows = rng() % 600;
    RandomTable r = MakeRandomTable(rng, rows, 1 + static_cast<int>(rng() % 8));
    const Table& t = r.table;
    // PARTITION BY g ORDER BY s DESC NULLS LAST.
    auto fn = [&](std::string name, std::vector<BoundExprPtr> args, TypeId type) {
      WindowFunctionSpec s;
      s.function = std::move(name);
      s.args = std::move(args);
      s.partition_by.push_back(Col(t, 0));
      s.order_by.push_back(SortKey{Col(t, 1), true, false});
      s.result_type = type;
      return s;
    };
    std::vector<WindowFunctionSpec> fns;
    fns.push_back(fn("rank", {}, TypeId::kInt64));
    fns.push_back(fn("dense_rank", {}, TypeId::kInt64));
    fns.push_back(fn("sum", Args(Col(t, 3)), TypeId::kInt64));
    fns.push_back(fn("count_star", {}, TypeId::kInt64));
    fns.push_back(fn("max", Args(Col(t, 3)), TypeId::kInt64));
    fns.push_back(fn("lag", Args(Col(t, 4)), TypeId::kInt64));
    auto schema = WithColumns(t, {{"rk", TypeId::kInt64},
                                  {"dr", TypeId::kInt64},
                                  {"sum", TypeId::kInt64},
                                  {"n", TypeId::kInt64},
                                  {"max", TypeId::kInt64},
                                  {"lag", TypeId::kInt64}});
    ExecutionContext ctx = Context();
    auto op = MakeWindow(Source(t, 1 + rng() % 100), std::move(fns), schema, &ctx);
    Rows out = Drain(*op);
    ASSERT_EQ(out.size(), rows);
    // Output order: g ASC NULLS LAST (any fixed null placement), then s DESC, then input order.
    const RefKey s_desc{1, true, false};
    const std::vector<std::string> order = RefSortedIds(r, {RefKey{0, false, false}, s_desc}, {});
    std::vector<size_t> prev_in_order(rows, SIZE_MAX);
    for (size_t i = 1; i < rows; ++i) {
      const size_t a = std::stoul(order[i - 1]), b = std::stoul(order[i]);
      if (r.g[a] == r.g[b]) prev_in_order[b] = a;
    }
    for (size_t i = 0; i < rows; ++i) {
      const size_t row = std::stoul(*out[i][4]);
      ASSERT_EQ(out[i][4], Cell(order[i]));
      int64_t rank = 1, count = 0, sum = 0, values = 0;
      std::optional<int64_t> max;
      std::vector<std::optional<std::string>> smaller;
      for (size_t j = 0; j < rows; ++j) {
        if (r.g[j] != r.g[row]) continue;
        const int c = RefCompareRows(r, j, row, s_desc);
        if (c < 0) {
          ++rank;
          if (std::find(smaller.begin(), smaller.end(), r.s[j]) == smaller.end()) {
            smaller.push_back(r.s[j]);
          }
        }
        if (c <= 0) {
          ++count;
          if (r.v[j]) {
            ++values;
            sum += *r.v[j];
            if (!max || *r.v[j] > *max) max = r.v[j];
          }
        }
      }
      const auto num = [](int64_t x) { return Cell(std::to_string(x)); };
      EXPECT_EQ(out[i][5], num(rank));
      EXPECT_EQ(out[i][6], num(static_cast<int64_t>(smaller.size()) + 1));
      EXPECT_EQ(out[i][7], values ? num(sum) : kNull);
      EXPECT_EQ(out[i][8], num(count));
      EXPECT_EQ(out[i][9], max ? num(*max) : kNull);
      EXPECT_EQ(out[i][10], prev_in_order[row] == SIZE_MAX ? kNull : num(prev_in_order[row]));
    }
  }
}

// ---- Computed keys and arguments go through the evaluator ----------------------------------

BoundExprPtr Call(const std::string& name, BoundExprPtr a, BoundExprPtr b) {
  std::vector<BoundExprPtr> args;
  args.push_back(std::move(a));
  if (b) args.push_back(std::move(b));
  auto bound = BindCall(name, std::move(args), -1, "");
  EXPECT_TRUE(bound.ok()) << bound.status().ToString();
  return bound.ok() ? std::move(bound).value() : nullptr;
}

TEST(Evaluated, ComputedGroupKeysSortKeysAndWindowArguments) {
  Table t;
  t.schema = MakeSchema({{"v", TypeId::kInt64}});
  t.rows = {{"1"}, {"2"}, {"3"}, {"4"}, {"5"}, {"6"}, {"7"}, {kNull}};
  ExecutionContext ctx = Context();
  {
    // SELECT v % 3, sum(v * 10) GROUP BY v % 3
    std::vector<BoundExprPtr> groups;
    groups.push_back(Call("%", Col(t, 0), IntConstant(3)));
    std::vector<AggregateSpec> aggs;
    aggs.push_back(Agg("sum", Call("*", Col(t, 0), IntConstant(10)), TypeId::kInt64));
    auto op = MakeHashAggregate(Source(t), std::move(groups), std::move(aggs),
                                MakeSchema({{"m", TypeId::kInt64}, {"s", TypeId::kInt64}}), &ctx);
    EXPECT_EQ(Sorted(Drain(*op)),
              Sorted(Rows{{"0", "90"}, {"1", "120"}, {"2", "70"}, {kNull, kNull}}));
  }
  {
    // ORDER BY v % 3 DESC, v DESC NULLS FIRST
    std::vector<SortKey> keys;
    keys.push_back(SortKey{Call("%", Col(t, 0), IntConstant(3)), true, false});
    keys.push_back(SortKey{Col(t, 0), true, true});
    auto op = MakeSort(Source(t), std::move(keys), std::nullopt, &ctx);
    EXPECT_EQ(Ids(Drain(*op), 0),
              (std::vector<std::string>{"5", "2", "7", "4", "1", "6", "3", "NULL"}));
  }
  {
    // sum(v * 10) OVER (PARTITION BY v % 2 ORDER BY v)
    std::vector<WindowFunctionSpec> fns(1);
    fns[0].function = "sum";
    fns[0].args.push_back(Call("*", Col(t, 0), IntConstant(10)));
    fns[0].partition_by.push_back(Call("%", Col(t, 0), IntConstant(2)));
    fns[0].order_by.push_back(SortKey{Col(t, 0), false, false});
    auto op = MakeWindow(Source(t), std::move(fns), WithColumns(t, {{"s", TypeId::kInt64}}), &ctx);
    Rows rows = Drain(*op);
    // Partitions in key order: 0 → {2, 4, 6}, 1 → {1, 3, 5, 7}, NULL → {NULL}.
    EXPECT_EQ(rows, (Rows{{"2", "20"},
                          {"4", "60"},
                          {"6", "120"},
                          {"1", "10"},
                          {"3", "40"},
                          {"5", "90"},
                          {"7", "160"},
                          {kNull, kNull}}));
  }
}

TEST(Spill, LocalDiskRunsMatchInMemoryAndLeaveNoFiles) {
  std::mt19937_64 rng(5);
  RandomTable r = MakeRandomTable(rng, 3000, 300);
  std::unique_ptr<FileSystem> disk = NewLocalFileSystem();
  const std::string dir = "/tmp/stedi_agg_sort_spill_" + std::to_string(::getpid());
  ASSERT_TRUE(disk->DeleteDirRecursive(dir).ok());
  ExecutionContext small;
  small.fs = disk.get();
  small.temp_dir = dir;
  small.memory_limit_bytes = 1024;
  ExecutionContext large = Context();
  {
    const Rows in_memory = Sorted(RunAggregate(r, 97, size_t{1} << 30));
    std::vector<BoundExprPtr> groups;
    groups.push_back(Col(r.table, 0));
    groups.push_back(Col(r.table, 1));
    std::vector<AggregateSpec> aggs;
    aggs.push_back(Agg("count_star", nullptr, TypeId::kInt64));
    aggs.push_back(Agg("count", Col(r.table, 3), TypeId::kInt64));
    aggs.push_back(Agg("sum", Col(r.table, 3), TypeId::kInt64));
    aggs.push_back(Agg("min", Col(r.table, 3), TypeId::kInt64));
    aggs.push_back(Agg("max", Col(r.table, 3), TypeId::kInt64));
    aggs.push_back(Agg("count", Col(r.table, 3), TypeId::kInt64, true));
    aggs.push_back(Agg("sum", Col(r.table, 3), TypeId::kInt64, true));
    aggs.push_back(Agg("max", Col(r.table, 2), TypeId::kFloat64));
    aggs.push_back(Agg("min", Col(r.table, 2), TypeId::kFloat64));
    aggs.push_back(Agg("count", Col(r.table, 2), TypeId::kInt64, true));
    auto op = MakeHashAggregate(Source(r.table, 97), std::move(groups), std::move(aggs),
                                MakeSchema({{"g", TypeId::kInt64},
                                            {"s", TypeId::kString},
                                            {"n", TypeId::kInt64},
                                            {"c", TypeId::kInt64},
                                            {"sum", TypeId::kInt64},
                                            {"min", TypeId::kInt64},
                                            {"max", TypeId::kInt64},
                                            {"cd", TypeId::kInt64},
                                            {"sd", TypeId::kInt64},
                                            {"dmax", TypeId::kFloat64},
                                            {"dmin", TypeId::kFloat64},
                                            {"dcd", TypeId::kInt64}}),
                                &small);
    EXPECT_NE(op->Describe().find("HashAggregate"), std::string::npos);
    EXPECT_EQ(Sorted(Drain(*op)), in_memory);
  }
  for (ExecutionContext* ctx : {&large, &small}) {
    std::vector<SortKey> keys;
    keys.push_back(Key(r.table, 1, true, true));
    keys.push_back(Key(r.table, 2));
    auto op = MakeSort(Source(r.table, 211), std::move(keys), std::nullopt, ctx);
    EXPECT_NE(op->Describe().find("Sort"), std::string::npos);
    EXPECT_EQ(Ids(Drain(*op), 4),
              RefSortedIds(r, {RefKey{1, true, true}, RefKey{2, false, false}}, std::nullopt));
  }
  // Every spill file is deleted once its operator is done with it.
  auto left = disk->ListRecursive(dir);
  if (left.ok()) {
    EXPECT_TRUE(left->empty()) << left->size() << " files left in " << dir;
  }
  EXPECT_TRUE(disk->DeleteDirRecursive(dir).ok());
}

TEST(Errors, UnknownFunctionsAndWrongResultTypesAreReported) {
  Table t = Sales();
  ExecutionContext ctx = Context();
  {
    std::vector<AggregateSpec> aggs;
    aggs.push_back(Agg("median", Col(t, 1), TypeId::kInt64));
    auto op = MakeHashAggregate(Source(t), {}, std::move(aggs), MakeSchema({{"m", TypeId::kInt64}}),
                                &ctx);
    EXPECT_FALSE(op->Next().ok());
  }
  {
    // sum of bigint is bigint, not double.
    std::vector<AggregateSpec> aggs;
    aggs.push_back(Agg("sum", Col(t, 1), TypeId::kFloat64));
    auto op = MakeHashAggregate(Source(t), {}, std::move(aggs),
                                MakeSchema({{"s", TypeId::kFloat64}}), &ctx);
    EXPECT_FALSE(op->Next().ok());
  }
  {
    std::vector<WindowFunctionSpec> fns;
    fns.push_back(Fn(t, "ntile", {}, {0}, {{1, false}}));
    auto op = MakeWindow(Source(t), std::move(fns), WithColumns(t, {{"x", TypeId::kInt64}}), &ctx);
    EXPECT_NE(op->Describe().find("ntile"), std::string::npos);
    EXPECT_FALSE(op->Next().ok());
  }
  {
    // lag's result has its argument's type.
    std::vector<WindowFunctionSpec> fns;
    fns.push_back(Fn(t, "lag", Args(Col(t, 0)), {}, {{1, false}}, TypeId::kInt64));
    auto op = MakeWindow(Source(t), std::move(fns), WithColumns(t, {{"x", TypeId::kInt64}}), &ctx);
    EXPECT_FALSE(op->Next().ok());
  }
}

}  // namespace
}  // namespace stedi::sql
