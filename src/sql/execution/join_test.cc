#include "sql/execution/join.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <functional>
#include <limits>
#include <map>
#include <random>
#include <string>
#include <tuple>
#include <variant>
#include <vector>

#include "columnar/column_kernels.h"
#include "sql/execution/join_hash_table.h"
#include "sql/execution/key_hashing.h"
#include "sql/execution/memory_budget.h"
#include "sql/execution/spill_file.h"
#include "sql/execution/string_key_groups.h"
#include "storage/file_system.h"

namespace stedi::sql {
namespace {

// A cell of a test table: NULL, an integer (for every fixed-width type) or a string.
using Value = std::variant<std::monostate, int64_t, std::string>;
using Row = std::vector<Value>;
const Value kNull{};

std::shared_ptr<const Schema> MakeSchema(
    const std::vector<std::pair<std::string, TypeId>>& fields) {
  std::vector<Field> out;
  for (auto& [name, type] : fields) out.push_back(Field{name, type, true, 0});
  return std::make_shared<Schema>(std::move(out));
}

Batch MakeBatch(const std::shared_ptr<const Schema>& schema, const std::vector<Row>& rows) {
  std::vector<Column> columns;
  for (size_t c = 0; c < schema->num_fields(); ++c) {
    const TypeId type = schema->field(c).type;
    ColumnBuilder b(type);
    for (const Row& row : rows) {
      const Value& v = row[c];
      if (std::holds_alternative<std::monostate>(v)) {
        b.AppendNull();
        continue;
      }
      switch (type) {
        case TypeId::kBoolean:
          b.AppendBool(std::get<int64_t>(v) != 0);
          break;
        case TypeId::kInt32:
        case TypeId::kDate:
          b.AppendInt32(static_cast<int32_t>(std::get<int64_t>(v)));
          break;
        case TypeId::kInt64:
        case TypeId::kTimestamp:
          b.AppendInt64(std::get<int64_t>(v));
          break;
        case TypeId::kFloat64:
          b.AppendDouble(static_cast<double>(std::get<int64_t>(v)) / 4);
          break;
        case TypeId::kString:
        case TypeId::kBinary:
          b.AppendString(std::get<std::string>(v));
          break;
      }
    }
    columns.push_back(b.Finish());
  }
  return Batch(schema, std::move(columns), rows.size());
}

std::string CellText(const Column& c, size_t row) {
  if (c.IsNull(row)) return "NULL";
  switch (c.type()) {
    case TypeId::kBoolean:
      return c.GetBool(row) ? "1" : "0";
    case TypeId::kInt32:
    case TypeId::kDate:
      return std::to_string(c.GetInt32(row));
    case TypeId::kInt64:
    case TypeId::kTimestamp:
      return std::to_string(c.GetInt64(row));
    case TypeId::kFloat64:
      return std::to_string(static_cast<int64_t>(c.GetDouble(row) * 4));
    case TypeId::kString:
    case TypeId::kBinary:
      return std::string(c.GetString(row));
  }
  return "?";
}

std::string ValueText(const Value& v) {
  if (std::holds_alternative<std::monostate>(v)) return "NULL";
  if (std::holds_alternative<int64_t>(v)) return std::to_string(std::get<int64_t>(v));
  return std::get<std::string>(v);
}

// Replays batches; splits ROWS into batches of BATCH_ROWS.
// Every string of ROWS, each twice: row parity picks the copy, so equal strings also appear
// under different codes (a foreign Parquet writer may repeat dictionary values).
// The distinct strings of A and B, COPIES times over (a dictionary may repeat its values).
std::shared_ptr<const Column> DictionaryOf(const std::vector<Row>& a, const std::vector<Row>& b,
                                           size_t copies) {
  std::vector<std::string> distinct;
  for (const auto* rows : {&a, &b}) {
    for (const Row& row : *rows) {
      for (const Value& v : row) {
        if (const auto* s = std::get_if<std::string>(&v)) distinct.push_back(*s);
      }
    }
  }
  std::sort(distinct.begin(), distinct.end());
  distinct.erase(std::unique(distinct.begin(), distinct.end()), distinct.end());
  ColumnBuilder entries(TypeId::kString);
  for (size_t copy = 0; copy < copies; ++copy) {
    for (const std::string& s : distinct) entries.AppendString(s);
  }
  return std::make_shared<const Column>(entries.Finish());
}

// Row R of a string column becomes a code of copy R % COPIES of its string.
Batch DictionaryEncoded(const Batch& batch, const std::shared_ptr<const Column>& dictionary,
                        size_t copies) {
  const size_t distinct = dictionary->size() / copies;
  std::vector<Column> columns;
  for (const Column& c : batch.columns()) {
    if (c.type() != TypeId::kString) {
      columns.push_back(c);
      continue;
    }
    std::vector<uint32_t> codes(c.size(), 0);
    std::vector<uint8_t> validity(c.size(), 1);
    for (size_t r = 0; r < c.size(); ++r) {
      if (c.IsNull(r)) {
        validity[r] = 0;
        continue;
      }
      uint32_t code = 0;
      while (dictionary->GetString(code) != c.GetString(r)) ++code;
      codes[r] = code + static_cast<uint32_t>((r % copies) * distinct);
    }
    columns.push_back(Column::FromDictionary(dictionary, std::move(codes), std::move(validity)));
  }
  return Batch(batch.schema(), std::move(columns), batch.num_rows());
}

class RowsSource final : public Operator {
 public:
  // With DICTIONARY, string columns come as codes into it (as Parquet scans give them).
  RowsSource(std::shared_ptr<const Schema> schema, const std::vector<Row>& rows,
             size_t batch_rows = 3, const std::shared_ptr<const Column>& dictionary = nullptr,
             size_t copies = 2)
      : schema_(std::move(schema)) {
    for (size_t at = 0; at < rows.size(); at += batch_rows) {
      std::vector<Row> part(rows.begin() + at,
                            rows.begin() + std::min(rows.size(), at + batch_rows));
      Batch batch = MakeBatch(schema_, part);
      if (dictionary) batch = DictionaryEncoded(batch, dictionary, copies);
      batches_.push_back(std::move(batch));
    }
  }
  const std::shared_ptr<const Schema>& schema() const override { return schema_; }
  Result<std::optional<Batch>> Next() override {
    if (next_ == batches_.size()) return std::optional<Batch>();
    return std::optional<Batch>(batches_[next_++]);
  }
  std::string Describe() const override { return "RowsSource"; }

 private:
  std::shared_ptr<const Schema> schema_;
  std::vector<Batch> batches_;
  size_t next_ = 0;
};

std::shared_ptr<const Schema> JoinedSchema(const Schema& left, const Schema& right,
                                           PhysicalJoinType type) {
  if (type == PhysicalJoinType::kRightSemi || type == PhysicalJoinType::kRightAnti) {
    return std::make_shared<Schema>(right.fields());
  }
  std::vector<Field> fields = left.fields();
  if (type != PhysicalJoinType::kSemi && type != PhysicalJoinType::kAnti &&
      type != PhysicalJoinType::kAntiNullAware) {
    fields.insert(fields.end(), right.fields().begin(), right.fields().end());
  }
  return std::make_shared<Schema>(std::move(fields));
}

// Drains OP; returns its rows as "a|b|c" text, sorted (a multiset).
std::vector<std::string> Drain(Operator* op, size_t* batches = nullptr) {
  std::vector<std::string> out;
  while (true) {
    Result<std::optional<Batch>> next = op->Next();
    EXPECT_TRUE(next.ok()) << next.status().ToString();
    if (!next.ok() || !next.value().has_value()) break;
    const Batch& b = *next.value();
    EXPECT_GT(b.num_rows(), 0u);
    EXPECT_LE(b.num_rows(), Operator::kBatchRows);
    EXPECT_EQ(b.num_columns(), op->schema()->num_fields());
    if (batches != nullptr) ++*batches;
    for (size_t r = 0; r < b.num_rows(); ++r) {
      std::string line;
      for (size_t c = 0; c < b.num_columns(); ++c) {
        if (c > 0) line += "|";
        line += CellText(b.column(c), r);
      }
      out.push_back(line);
    }
  }
  std::sort(out.begin(), out.end());
  return out;
}

std::vector<std::string> Sorted(std::vector<std::string> v) {
  std::sort(v.begin(), v.end());
  return v;
}

BoundExprPtr Col(size_t index, TypeId type) { return BoundExpr::Column(index, type, ""); }

BoundExprPtr Less(BoundExprPtr a, BoundExprPtr b) {
  auto e = std::make_unique<BoundExpr>();
  e->kind = BoundExpr::Kind::kCall;
  e->type = TypeId::kBoolean;
  e->function = "<";
  e->args.push_back(std::move(a));
  e->args.push_back(std::move(b));
  return e;
}

struct JoinInput {
  std::shared_ptr<const Schema> left_schema, right_schema;
  std::vector<Row> left, right;
  std::vector<size_t> left_keys, right_keys;  // column positions
  // Residual "left column < right column" (positions in the concatenated row), if set.
  std::optional<std::pair<size_t, size_t>> residual_less;
  // String columns of both sides as codes into one dictionary, which holds each string
  // DICTIONARY_COPIES times.
  bool dictionary_strings = false;
  size_t dictionary_copies = 2;
};

OperatorPtr BuildHashJoin(const JoinInput& in, PhysicalJoinType type,
                          const ExecutionContext* context, size_t batch_rows = 3) {
  HashJoinSpec spec;
  spec.type = type;
  for (size_t k : in.left_keys) spec.left_keys.push_back(Col(k, in.left_schema->field(k).type));
  for (size_t k : in.right_keys) {
    spec.right_keys.push_back(Col(k, in.right_schema->field(k).type));
  }
  if (in.residual_less) {
    const size_t width = in.left_schema->num_fields();
    auto [a, b] = *in.residual_less;
    spec.residual =
        Less(Col(a, in.left_schema->field(a).type), Col(b, in.right_schema->field(b - width).type));
  }
  spec.output_schema = JoinedSchema(*in.left_schema, *in.right_schema, type);
  const size_t copies = in.dictionary_copies;
  auto dictionary = in.dictionary_strings ? DictionaryOf(in.left, in.right, copies) : nullptr;
  return MakeHashJoin(
      std::make_unique<RowsSource>(in.left_schema, in.left, batch_rows, dictionary, copies),
      std::make_unique<RowsSource>(in.right_schema, in.right, batch_rows, dictionary, copies),
      std::move(spec), context);
}

std::vector<std::string> RunHashJoin(const JoinInput& in, PhysicalJoinType type,
                                     const ExecutionContext* context, size_t batch_rows = 3) {
  OperatorPtr op = BuildHashJoin(in, type, context, batch_rows);
  return Drain(op.get());
}

// The reference: a naive nested loop over the rows, written independently of the operators.
std::vector<std::string> ReferenceJoin(const JoinInput& in, PhysicalJoinType type) {
  auto key_null = [](const Row& row, const std::vector<size_t>& keys) {
    for (size_t k : keys) {
      if (std::holds_alternative<std::monostate>(row[k])) return true;
    }
    return false;
  };
  auto matches = [&](const Row& l, const Row& r) {
    if (key_null(l, in.left_keys) || key_null(r, in.right_keys)) return false;
    for (size_t i = 0; i < in.left_keys.size(); ++i) {
      if (l[in.left_keys[i]] != r[in.right_keys[i]]) return false;
    }
    if (in.residual_less) {
      const Value& a = l[in.residual_less->first];
      const Value& b = r[in.residual_less->second - l.size()];
      if (std::holds_alternative<std::monostate>(a) || std::holds_alternative<std::monostate>(b))
        return false;
      if (!(std::get<int64_t>(a) < std::get<int64_t>(b))) return false;
    }
    return true;
  };
  auto text = [](const Row& l, const Row* r, size_t right_width, bool with_right) {
    std::string line;
    for (size_t c = 0; c < l.size(); ++c) line += (c ? "|" : "") + ValueText(l[c]);
    if (with_right) {
      for (size_t c = 0; c < right_width; ++c) line += "|" + (r ? ValueText((*r)[c]) : "NULL");
    }
    return line;
  };
  const size_t rw = in.right_schema->num_fields();
  std::vector<std::string> out;
  std::vector<bool> right_matched(in.right.size(), false);
  bool right_has_null = false;
  for (const Row& r : in.right) right_has_null |= key_null(r, in.right_keys);
  for (const Row& l : in.left) {
    bool matched = false;
    for (size_t j = 0; j < in.right.size(); ++j) {
      if (!matches(l, in.right[j])) continue;
      matched = true;
      right_matched[j] = true;
      if (type == PhysicalJoinType::kInner || type == PhysicalJoinType::kLeft ||
          type == PhysicalJoinType::kRight || type == PhysicalJoinType::kFull) {
        out.push_back(text(l, &in.right[j], rw, true));
      }
    }
    switch (type) {
      case PhysicalJoinType::kLeft:
      case PhysicalJoinType::kFull:
        if (!matched) out.push_back(text(l, nullptr, rw, true));
        break;
      case PhysicalJoinType::kSemi:
        if (matched) out.push_back(text(l, nullptr, rw, false));
        break;
      case PhysicalJoinType::kAnti:
        if (!matched) out.push_back(text(l, nullptr, rw, false));
        break;
      case PhysicalJoinType::kAntiNullAware:
        if (!matched && !right_has_null && (in.right.empty() || !key_null(l, in.left_keys))) {
          out.push_back(text(l, nullptr, rw, false));
        }
        break;
      default:
        break;
    }
  }
  // Right semi / right anti: the right rows some left row matches / none does, right columns.
  if (type == PhysicalJoinType::kRightSemi || type == PhysicalJoinType::kRightAnti) {
    for (size_t j = 0; j < in.right.size(); ++j) {
      if (right_matched[j] != (type == PhysicalJoinType::kRightSemi)) continue;
      std::string line;
      for (size_t c = 0; c < rw; ++c) line += (c ? "|" : "") + ValueText(in.right[j][c]);
      out.push_back(line);
    }
  }
  if (type == PhysicalJoinType::kRight || type == PhysicalJoinType::kFull) {
    for (size_t j = 0; j < in.right.size(); ++j) {
      if (right_matched[j]) continue;
      std::string line;
      for (size_t c = 0; c < in.left_schema->num_fields(); ++c)
        line += (c ? "|" : "") + std::string("NULL");
      for (size_t c = 0; c < rw; ++c) line += "|" + ValueText(in.right[j][c]);
      out.push_back(line);
    }
  }
  std::sort(out.begin(), out.end());
  return out;
}

constexpr PhysicalJoinType kAllTypes[] = {
    PhysicalJoinType::kInner,         PhysicalJoinType::kLeft,      PhysicalJoinType::kRight,
    PhysicalJoinType::kFull,          PhysicalJoinType::kSemi,      PhysicalJoinType::kAnti,
    PhysicalJoinType::kAntiNullAware, PhysicalJoinType::kRightSemi, PhysicalJoinType::kRightAnti};

class JoinTest : public ::testing::Test {
 protected:
  void SetUp() override {
    memory_fs_ = NewMemoryFileSystem();
    context_.fs = memory_fs_.get();
    context_.temp_dir = "/tmp-spill";
  }
  // Every join type of IN must give the reference's rows probed in batches of 64 rows and of
  // up to LEFT_ROWS rows, on three threads, and with the build side spilled. LABEL names the
  // case in failures.
  void ExpectEveryJoinTypeMatchesTheReference(const JoinInput& in, size_t left_rows,
                                              const std::string& label) {
    ExecutionContext spill_context = context_;
    spill_context.memory_limit_bytes = 1024;
    ExecutionContext parallel = context_;
    parallel.threads = 3;
    for (PhysicalJoinType type : kAllTypes) {
      SCOPED_TRACE(std::string("type ") + JoinTypeName(type) + " " + label);
      const std::vector<std::string> expected = ReferenceJoin(in, type);
      EXPECT_EQ(RunHashJoin(in, type, &context_, 64), expected);
      EXPECT_EQ(RunHashJoin(in, type, &context_, std::min(left_rows, Operator::kBatchRows)),
                expected);
      EXPECT_EQ(RunHashJoin(in, type, &parallel, left_rows), expected);
      EXPECT_EQ(RunHashJoin(in, type, &spill_context, 64), expected);
    }
  }

  std::unique_ptr<FileSystem> memory_fs_;
  ExecutionContext context_;
};

JoinInput SmallInput() {
  JoinInput in;
  in.left_schema = MakeSchema({{"k", TypeId::kInt64}, {"a", TypeId::kString}});
  in.right_schema = MakeSchema({{"k", TypeId::kInt64}, {"b", TypeId::kInt64}});
  in.left = {
      {int64_t{1}, "a"}, {int64_t{2}, "b"}, {int64_t{2}, "c"}, {kNull, "d"}, {int64_t{3}, "e"}};
  in.right = {{int64_t{2}, int64_t{20}},
              {int64_t{2}, int64_t{21}},
              {int64_t{1}, int64_t{10}},
              {kNull, int64_t{99}},
              {int64_t{4}, int64_t{40}}};
  in.left_keys = {0};
  in.right_keys = {0};
  return in;
}

TEST_F(JoinTest, HandComputedEveryJoinType) {
  const JoinInput in = SmallInput();
  const std::vector<std::string> inner = {"1|a|1|10", "2|b|2|20", "2|b|2|21", "2|c|2|20",
                                          "2|c|2|21"};
  EXPECT_EQ(RunHashJoin(in, PhysicalJoinType::kInner, &context_), Sorted(inner));
  std::vector<std::string> left = inner;
  left.insert(left.end(), {"NULL|d|NULL|NULL", "3|e|NULL|NULL"});
  EXPECT_EQ(RunHashJoin(in, PhysicalJoinType::kLeft, &context_), Sorted(left));
  std::vector<std::string> right = inner;
  right.insert(right.end(), {"NULL|NULL|NULL|99", "NULL|NULL|4|40"});
  EXPECT_EQ(RunHashJoin(in, PhysicalJoinType::kRight, &context_), Sorted(right));
  std::vector<std::string> full = left;
  full.insert(full.end(), {"NULL|NULL|NULL|99", "NULL|NULL|4|40"});
  EXPECT_EQ(RunHashJoin(in, PhysicalJoinType::kFull, &context_), Sorted(full));
  EXPECT_EQ(RunHashJoin(in, PhysicalJoinType::kSemi, &context_), Sorted({"1|a", "2|b", "2|c"}));
  EXPECT_EQ(RunHashJoin(in, PhysicalJoinType::kAnti, &context_), Sorted({"3|e", "NULL|d"}));
  // NOT IN with a NULL on the right: no row at all.
  EXPECT_TRUE(RunHashJoin(in, PhysicalJoinType::kAntiNullAware, &context_).empty());
}

TEST_F(JoinTest, NotInWithoutNullsAndOnEmptySet) {
  JoinInput in = SmallInput();
  in.right.erase(in.right.begin() + 3);  // the NULL key
  // A NULL left key is unknown against a non-empty set.
  EXPECT_EQ(RunHashJoin(in, PhysicalJoinType::kAntiNullAware, &context_),
            std::vector<std::string>{"3|e"});
  in.right.clear();
  // Against the empty set every row is kept, NULL included.
  EXPECT_EQ(RunHashJoin(in, PhysicalJoinType::kAntiNullAware, &context_),
            Sorted({"1|a", "2|b", "2|c", "NULL|d", "3|e"}));
  EXPECT_TRUE(RunHashJoin(in, PhysicalJoinType::kInner, &context_).empty());
  EXPECT_EQ(RunHashJoin(in, PhysicalJoinType::kLeft, &context_).size(), 5u);
}

TEST_F(JoinTest, MultiColumnStringKeys) {
  JoinInput in;
  in.left_schema = MakeSchema({{"s", TypeId::kString}, {"d", TypeId::kDate}});
  in.right_schema =
      MakeSchema({{"s", TypeId::kString}, {"d", TypeId::kDate}, {"v", TypeId::kInt64}});
  in.left = {{"x", int64_t{1}},
             {"x", int64_t{2}},
             {"y", int64_t{1}},
             {kNull, int64_t{1}},
             {"a longer string key", int64_t{7}}};
  in.right = {{"x", int64_t{1}, int64_t{100}},
              {"x", int64_t{1}, int64_t{101}},
              {"y", int64_t{2}, int64_t{102}},
              {"x", kNull, int64_t{103}},
              {"a longer string key", int64_t{7}, int64_t{104}}};
  in.left_keys = {0, 1};
  in.right_keys = {0, 1};
  EXPECT_EQ(
      RunHashJoin(in, PhysicalJoinType::kInner, &context_),
      Sorted({"x|1|x|1|100", "x|1|x|1|101", "a longer string key|7|a longer string key|7|104"}));
  EXPECT_EQ(RunHashJoin(in, PhysicalJoinType::kAnti, &context_), Sorted({"x|2", "y|1", "NULL|1"}));
}

TEST_F(JoinTest, ResidualCondition) {
  JoinInput in;
  in.left_schema = MakeSchema({{"k", TypeId::kInt64}, {"a", TypeId::kInt64}});
  in.right_schema = MakeSchema({{"k", TypeId::kInt64}, {"b", TypeId::kInt64}});
  in.left = {{int64_t{1}, int64_t{5}}, {int64_t{1}, int64_t{15}}, {int64_t{2}, int64_t{5}}};
  in.right = {{int64_t{1}, int64_t{10}}, {int64_t{1}, int64_t{20}}, {int64_t{2}, int64_t{1}}};
  in.left_keys = {0};
  in.right_keys = {0};
  in.residual_less = std::make_pair(size_t{1}, size_t{3});  // a < b
  const std::vector<std::string> inner = {"1|5|1|10", "1|5|1|20", "1|15|1|20"};
  EXPECT_EQ(RunHashJoin(in, PhysicalJoinType::kInner, &context_), Sorted(inner));
  std::vector<std::string> left = inner;
  left.push_back("2|5|NULL|NULL");
  EXPECT_EQ(RunHashJoin(in, PhysicalJoinType::kLeft, &context_), Sorted(left));
  std::vector<std::string> right = inner;
  right.push_back("NULL|NULL|2|1");
  EXPECT_EQ(RunHashJoin(in, PhysicalJoinType::kRight, &context_), Sorted(right));
  EXPECT_EQ(RunHashJoin(in, PhysicalJoinType::kSemi, &context_), Sorted({"1|5", "1|15"}));
  EXPECT_EQ(RunHashJoin(in, PhysicalJoinType::kAnti, &context_), std::vector<std::string>{"2|5"});
}

// Every key type: a column with values {v0, v1, v1, NULL} joined with itself matches
// 1 + 2 * 2 = 5 pairs.
TEST_F(JoinTest, EveryKeyType) {
  for (TypeId type : {TypeId::kBoolean, TypeId::kInt32, TypeId::kInt64, TypeId::kFloat64,
                      TypeId::kString, TypeId::kDate, TypeId::kTimestamp}) {
    JoinInput in;
    in.left_schema = MakeSchema({{"k", type}});
    in.right_schema = in.left_schema;
    const bool is_string = type == TypeId::kString;
    Value v0 = is_string ? Value(std::string("p")) : Value(int64_t{0});
    Value v1 = is_string ? Value(std::string("q")) : Value(int64_t{1});
    in.left = {{v0}, {v1}, {v1}, {kNull}};
    in.right = in.left;
    in.left_keys = {0};
    in.right_keys = {0};
    EXPECT_EQ(RunHashJoin(in, PhysicalJoinType::kInner, &context_).size(), 5u) << TypeName(type);
  }
}

// A key that is an expression (evaluated, not a column reference): k + 1 = k.
TEST_F(JoinTest, ExpressionKeyAndDescribe) {
  auto schema = MakeSchema({{"k", TypeId::kInt64}});
  HashJoinSpec spec;
  auto plus = std::make_unique<BoundExpr>();
  plus->kind = BoundExpr::Kind::kCall;
  plus->type = TypeId::kInt64;
  plus->function = "+";
  plus->args.push_back(BoundExpr::Column(0, TypeId::kInt64, "l.k"));
  plus->args.push_back(BoundExpr::Constant(ScalarValue{TypeId::kInt64, int64_t{1}}));
  spec.left_keys.push_back(std::move(plus));
  spec.right_keys.push_back(BoundExpr::Column(0, TypeId::kInt64, "r.k"));
  spec.output_schema = JoinedSchema(*schema, *schema, PhysicalJoinType::kInner);
  OperatorPtr op =
      MakeHashJoin(std::make_unique<RowsSource>(
                       schema, std::vector<Row>{{int64_t{1}}, {int64_t{2}}, {int64_t{3}}}),
                   std::make_unique<RowsSource>(
                       schema, std::vector<Row>{{int64_t{2}}, {int64_t{3}}, {int64_t{4}}}),
                   std::move(spec), &context_);
  EXPECT_NE(op->Describe().find("HashJoin inner"), std::string::npos) << op->Describe();
  EXPECT_EQ(Drain(op.get()), Sorted({"1|2", "2|3", "3|4"}));
}

// 0.0 equals -0.0 and NaN joins NaN: {0.0, -0.0, NaN} with itself gives 2 + 2 + 1 pairs.
TEST_F(JoinTest, DoubleKeysCompareByValue) {
  auto schema = MakeSchema({{"d", TypeId::kFloat64}});
  auto make = [&] {
    ColumnBuilder b(TypeId::kFloat64);
    b.AppendDouble(0.0);
    b.AppendDouble(-0.0);
    b.AppendDouble(std::numeric_limits<double>::quiet_NaN());
    std::vector<Column> cols;
    cols.push_back(b.Finish());
    return Batch(schema, std::move(cols));
  };
  class OneBatch final : public Operator {
   public:
    OneBatch(std::shared_ptr<const Schema> s, Batch b)
        : schema_(std::move(s)), batch_(std::move(b)) {}
    const std::shared_ptr<const Schema>& schema() const override { return schema_; }
    Result<std::optional<Batch>> Next() override {
      if (done_) return std::optional<Batch>();
      done_ = true;
      return std::optional<Batch>(batch_);
    }
    std::string Describe() const override { return "OneBatch"; }

   private:
    std::shared_ptr<const Schema> schema_;
    Batch batch_;
    bool done_ = false;
  };
  HashJoinSpec spec;
  spec.left_keys.push_back(Col(0, TypeId::kFloat64));
  spec.right_keys.push_back(Col(0, TypeId::kFloat64));
  spec.output_schema = JoinedSchema(*schema, *schema, PhysicalJoinType::kInner);
  OperatorPtr op =
      MakeHashJoin(std::make_unique<OneBatch>(schema, make()),
                   std::make_unique<OneBatch>(schema, make()), std::move(spec), &context_);
  EXPECT_EQ(Drain(op.get()).size(), 5u);
}

JoinInput RandomInput(std::mt19937* rng, size_t left_rows, size_t right_rows, int key_range,
                      bool residual) {
  JoinInput in;
  in.left_schema =
      MakeSchema({{"k1", TypeId::kInt64}, {"k2", TypeId::kString}, {"a", TypeId::kInt64}});
  in.right_schema =
      MakeSchema({{"k1", TypeId::kInt64}, {"k2", TypeId::kString}, {"b", TypeId::kInt64}});
  std::uniform_int_distribution<int> key(0, key_range - 1), pct(0, 99), val(0, 20);
  auto row = [&] {
    Row r;
    r.push_back(pct(*rng) < 8 ? kNull : Value(int64_t{key(*rng)}));
    r.push_back(pct(*rng) < 4 ? kNull : Value(std::string(pct(*rng) < 50 ? "p" : "qq")));
    r.push_back(Value(int64_t{val(*rng)}));
    return r;
  };
  for (size_t i = 0; i < left_rows; ++i) in.left.push_back(row());
  for (size_t i = 0; i < right_rows; ++i) in.right.push_back(row());
  in.left_keys = {0, 1};
  in.right_keys = {0, 1};
  if (residual) in.residual_less = std::make_pair(size_t{2}, size_t{5});
  return in;
}

TEST_F(JoinTest, RandomizedAgainstNaiveReferenceWithAndWithoutSpill) {
  std::mt19937 rng(20261128);
  ExecutionContext spill_context = context_;
  spill_context.memory_limit_bytes = 1024;
  for (int key_range : {4, 300}) {
    for (bool residual : {false, true}) {
      JoinInput in = RandomInput(&rng, 700, 900, key_range, residual);
      for (PhysicalJoinType type : kAllTypes) {
        SCOPED_TRACE("type " + std::to_string(static_cast<int>(type)) + " keys " +
                     std::to_string(key_range) + " residual " + std::to_string(residual));
        const std::vector<std::string> expected = ReferenceJoin(in, type);
        in.dictionary_strings = false;
        EXPECT_EQ(RunHashJoin(in, type, &context_, 64), expected);
        EXPECT_EQ(RunHashJoin(in, type, &spill_context, 64), expected);
        in.dictionary_strings = true;
        EXPECT_EQ(RunHashJoin(in, type, &context_, 64), expected);
        EXPECT_EQ(RunHashJoin(in, type, &spill_context, 64), expected);
      }
    }
  }
  // Spilled partitions were all deleted.
  Result<std::vector<FileInfo>> left_over = memory_fs_->ListRecursive("/tmp-spill");
  if (left_over.ok()) {
    EXPECT_TRUE(left_over.value().empty());
  }
}

// Semi and anti joins on one dictionary-encoded key look each dictionary entry up once; the
// rows must be the reference's, with NULL keys and codes that repeat a value (the dictionary
// holds every string twice), also when the build side spills.
TEST_F(JoinTest, SemiAndAntiJoinsOnDictionaryKeyMatchTheReference) {
  std::mt19937 rng(31);
  ExecutionContext spill_context = context_;
  spill_context.memory_limit_bytes = 1024;
  for (int run = 0; run < 4; ++run) {
    JoinInput in = RandomInput(&rng, 500, run == 0 ? 0 : 300, 4, false);
    in.left_keys = {1};
    in.right_keys = {1};
    if (run == 3) {
      // A build side without one of the strings: anti joins then keep rows.
      std::erase_if(in.right, [](const Row& r) { return r[1] == Value(std::string("qq")); });
    }
    in.dictionary_strings = true;
    for (PhysicalJoinType type :
         {PhysicalJoinType::kSemi, PhysicalJoinType::kAnti, PhysicalJoinType::kAntiNullAware}) {
      SCOPED_TRACE("run " + std::to_string(run) + " type " + JoinTypeName(type));
      const std::vector<std::string> expected = ReferenceJoin(in, type);
      EXPECT_EQ(RunHashJoin(in, type, &context_, 64), expected);
      EXPECT_EQ(RunHashJoin(in, type, &spill_context, 64), expected);
    }
  }
}

// Every join type on one dictionary-encoded key looks each entry's build rows up once and pairs
// rows with them: the rows must be the reference's, with and without a residual, when a row has
// more matches than fit in one output batch (the lane resumes inside a row's list), when the
// build side spills, and when the dictionary repeats each value so often that the lists would
// outgrow the build side (the lane then probes row by row).
TEST_F(JoinTest, EveryJoinOnOneDictionaryKeyMatchesTheReference) {
  std::mt19937 rng(53);
  for (auto [left_rows, right_rows, copies] :
       {std::tuple<size_t, size_t, size_t>{500, 300, 2}, {400, 200, 5}, {33000, 6, 2}}) {
    for (bool residual : {false, true}) {
      JoinInput in = RandomInput(&rng, left_rows, right_rows, 4, residual);
      in.left_keys = {1};
      in.right_keys = {1};
      in.dictionary_strings = true;
      in.dictionary_copies = copies;
      ExpectEveryJoinTypeMatchesTheReference(in, left_rows,
                                             "left " + std::to_string(left_rows) + " copies " +
                                                 std::to_string(copies) + " residual " +
                                                 std::to_string(residual));
    }
  }
}

// Joins on a dictionary-encoded string and an integer scan the build rows of the row's string
// (StringKeyGroups) instead of hashing: every join type must give the reference's rows, with
// and without a residual, when a row has more matches than fit in one output batch (the lane
// resumes inside a group), with NULL in either key on either side, with parallel lanes and a
// spilled build side, and when one string has too many rows for groups (the join then hashes).
TEST_F(JoinTest, EveryJoinOnAStringAndAnIntegerKeyMatchesTheReference) {
  std::mt19937 rng(61);
  // LEFT_ROWS probe rows; the build side has RIGHT_ROWS rows over STRINGS strings, plus
  // CROWDED rows of one more string (more than a group may hold when above 64).
  for (auto [left_rows, right_rows, strings, integers, crowded] :
       {std::tuple<size_t, size_t, int, int, size_t>{600, 400, 40, 6, 0},
        {33000, 300, 30, 3, 0},
        {500, 300, 30, 10, 70}}) {
    for (bool residual : {false, true}) {
      JoinInput in;
      in.left_schema =
          MakeSchema({{"t", TypeId::kInt64}, {"d", TypeId::kString}, {"a", TypeId::kInt64}});
      in.right_schema =
          MakeSchema({{"t", TypeId::kInt64}, {"d", TypeId::kString}, {"b", TypeId::kInt64}});
      std::uniform_int_distribution<int> string(0, strings - 1), integer(0, integers - 1),
          pct(0, 99), val(0, 20);
      auto row = [&](const std::string& d) {
        return Row{pct(rng) < 5 ? kNull : Value(int64_t{integer(rng)}),
                   pct(rng) < 5 ? kNull : Value(d), Value(int64_t{val(rng)})};
      };
      for (size_t i = 0; i < left_rows; ++i) {
        in.left.push_back(row("dev" + std::to_string(string(rng))));
      }
      for (size_t i = 0; i < right_rows; ++i) {
        in.right.push_back(row("dev" + std::to_string(string(rng))));
      }
      for (size_t i = 0; i < crowded; ++i) {
        in.right.push_back(row("crowded"));
        in.left.push_back(row("crowded"));
      }
      std::shuffle(in.right.begin(), in.right.end(), rng);
      in.left_keys = {1, 0};
      in.right_keys = {1, 0};
      if (residual) in.residual_less = std::make_pair(size_t{2}, size_t{5});
      in.dictionary_strings = true;
      ExpectEveryJoinTypeMatchesTheReference(in, left_rows,
                                             "left " + std::to_string(left_rows) + " crowded " +
                                                 std::to_string(crowded) + " residual " +
                                                 std::to_string(residual));
    }
  }
}

// Semi and anti joins on keys that are all dictionary-encoded look up only the first row of
// each run of rows repeating their codes (a customer's readings, on user and device): every
// join type must still give the reference's rows when the probe side comes in runs of every
// length, with NULL keys inside runs, pairs that match and pairs that do not (one customer's
// phone with another's device), a residual, parallel lanes and a spilled build side.
TEST_F(JoinTest, EveryJoinOnTwoDictionaryKeysInRunsMatchesTheReference) {
  std::mt19937 rng(67);
  for (auto [left_rows, customers, longest_run] :
       {std::tuple<size_t, int, int>{700, 40, 12}, {17000, 60, 60}, {500, 30, 1}}) {
    for (bool residual : {false, true}) {
      JoinInput in;
      in.left_schema =
          MakeSchema({{"u", TypeId::kString}, {"d", TypeId::kString}, {"a", TypeId::kInt64}});
      in.right_schema =
          MakeSchema({{"u", TypeId::kString}, {"d", TypeId::kString}, {"b", TypeId::kInt64}});
      std::uniform_int_distribution<int> customer(0, customers - 1), run(1, longest_run),
          pct(0, 99), val(0, 20);
      // The build side: each customer's user and device, some twice, a few with a NULL key.
      for (int c = 0; c < customers; ++c) {
        for (int copy = 0; copy < (pct(rng) < 20 ? 2 : 1); ++copy) {
          in.right.push_back(Row{pct(rng) < 3 ? kNull : Value("u" + std::to_string(c)),
                                 Value("d" + std::to_string(c)), Value(int64_t{val(rng)})});
        }
      }
      std::shuffle(in.right.begin(), in.right.end(), rng);
      // The probe side in runs of one pair: mostly a customer's own, sometimes a mismatch or
      // a customer the build side lacks; NULLs now and then inside a run.
      while (in.left.size() < left_rows) {
        const int u = customer(rng);
        const int d = pct(rng) < 20 ? customer(rng) : u;
        const std::string user = "u" + std::to_string(pct(rng) < 5 ? customers + u : u);
        for (int i = run(rng); i > 0 && in.left.size() < left_rows; --i) {
          in.left.push_back(Row{pct(rng) < 3 ? kNull : Value(user),
                                pct(rng) < 3 ? kNull : Value("d" + std::to_string(d)),
                                Value(int64_t{val(rng)})});
        }
      }
      in.left_keys = {0, 1};
      in.right_keys = {0, 1};
      if (residual) in.residual_less = std::make_pair(size_t{2}, size_t{5});
      in.dictionary_strings = true;
      ExpectEveryJoinTypeMatchesTheReference(in, left_rows,
                                             "left " + std::to_string(left_rows) + " runs up to " +
                                                 std::to_string(longest_run) + " residual " +
                                                 std::to_string(residual));
    }
  }
}

// Groups hold each string's rows ordered by integer, then by row; LowerBound finds a value's
// first row; rows with a NULL key are in no group; a crowded string or keys of other kinds make
// Build refuse.
TEST(StringKeyGroupsTest, GroupsRowsByStringOrderedByIntegerAndRow) {
  auto schema = MakeSchema({{"d", TypeId::kString}, {"t", TypeId::kInt64}});
  std::vector<Row> rows = {{std::string("b"), int64_t{5}},
                           {std::string("a"), int64_t{7}},
                           {std::string("b"), int64_t{2}},
                           {std::string("b"), kNull},
                           {kNull, int64_t{2}},
                           {std::string("b"), int64_t{5}},
                           {std::string("a"), int64_t{1}}};
  const Batch batch = MakeBatch(schema, rows);
  const Column* keys[] = {&batch.column(0), &batch.column(1)};
  StringKeyGroups groups;
  ASSERT_TRUE(groups.Build(keys));
  EXPECT_EQ(groups.string_key(), 0u);
  ColumnBuilder entries(TypeId::kString);
  for (const char* s : {"a", "c", "b"}) entries.AppendString(s);
  const Column dictionary = entries.Finish();
  std::vector<uint32_t> of_entry;
  groups.MapEntries(dictionary, &of_entry);
  ASSERT_EQ(of_entry.size(), 3u);
  EXPECT_EQ(of_entry[1], StringKeyGroups::kNoGroup);
  const uint32_t a = of_entry[0], b = of_entry[2];
  ASSERT_NE(a, StringKeyGroups::kNoGroup);
  ASSERT_NE(b, StringKeyGroups::kNoGroup);
  auto listed = [&](uint32_t g) {
    std::vector<std::pair<int64_t, uint32_t>> out;
    for (uint32_t i = groups.offsets()[g]; i < groups.offsets()[g + 1]; ++i) {
      out.emplace_back(groups.values()[i], groups.rows()[i]);
    }
    return out;
  };
  using Listed = std::vector<std::pair<int64_t, uint32_t>>;
  EXPECT_EQ(listed(a), (Listed{{1, 6}, {7, 1}}));
  EXPECT_EQ(listed(b), (Listed{{2, 2}, {5, 0}, {5, 5}}));
  const uint32_t first_b = groups.offsets()[b];
  EXPECT_EQ(groups.LowerBound(b, 1), first_b);
  EXPECT_EQ(groups.LowerBound(b, 2), first_b);
  EXPECT_EQ(groups.LowerBound(b, 3), first_b + 1);
  EXPECT_EQ(groups.LowerBound(b, 5), first_b + 1);
  EXPECT_EQ(groups.LowerBound(b, 6), first_b + 3);

  std::vector<Row> crowded;
  for (size_t i = 0; i <= StringKeyGroups::kMaxGroupRows; ++i) {
    crowded.push_back({std::string("x"), static_cast<int64_t>(i)});
  }
  const Batch too_many = MakeBatch(schema, crowded);
  const Column* crowded_keys[] = {&too_many.column(0), &too_many.column(1)};
  EXPECT_FALSE(groups.Build(crowded_keys));
  crowded.pop_back();
  const Batch just_fits = MakeBatch(schema, crowded);
  const Column* fitting_keys[] = {&just_fits.column(0), &just_fits.column(1)};
  EXPECT_TRUE(groups.Build(fitting_keys));
  const Column* two_strings[] = {&batch.column(0), &batch.column(0)};
  EXPECT_FALSE(groups.Build(two_strings));
  const Column* one_key[] = {&batch.column(0)};
  EXPECT_FALSE(groups.Build(one_key));
}

// Built on one thread or several, from plain or dictionary-encoded strings, every group lists
// exactly its rows ordered by (integer, row) as a plain sort of the pairs does: also groups
// whose integers span nearly all of int64 (ordered without packing them into one key), and
// groups with many equal integers.
TEST(StringKeyGroupsTest, GroupsMatchASortOfTheirPairsOnEveryThreadCount) {
  std::mt19937_64 rng(29);
  auto schema = MakeSchema({{"d", TypeId::kString}, {"t", TypeId::kInt64}});
  const size_t kDevices = 300;
  std::vector<Row> rows;
  for (size_t r = 0; r < 6000; ++r) {
    const size_t device = rng() % kDevices;
    int64_t value = 1650000000000 + static_cast<int64_t>(rng() % 40);  // many ties
    if (device % 7 == 0) {
      value = rng() % 2 == 0
                  ? std::numeric_limits<int64_t>::min() + static_cast<int64_t>(rng() % 5)
                  : std::numeric_limits<int64_t>::max() - static_cast<int64_t>(rng() % 5);
    }
    Row row = {std::string("device-") + std::to_string(device), value};
    if (rng() % 50 == 0) row[rng() % 2] = kNull;
    rows.push_back(std::move(row));
  }
  const Batch batch = MakeBatch(schema, rows);
  // The reference: each device's (integer, row) pairs, sorted.
  std::map<std::string, std::vector<std::pair<int64_t, uint32_t>>> expected;
  for (size_t r = 0; r < rows.size(); ++r) {
    if (std::holds_alternative<std::monostate>(rows[r][0]) ||
        std::holds_alternative<std::monostate>(rows[r][1])) {
      continue;
    }
    expected[std::get<std::string>(rows[r][0])].emplace_back(std::get<int64_t>(rows[r][1]),
                                                             static_cast<uint32_t>(r));
  }
  for (auto& [device, pairs] : expected) std::sort(pairs.begin(), pairs.end());
  ColumnBuilder entries(TypeId::kString);
  for (const auto& [device, pairs] : expected) entries.AppendString(device);
  const Column dictionary = entries.Finish();
  const Column encoded = AsIdentityDictionary(Column(batch.column(0)));
  for (const Column* strings : {&batch.column(0), &encoded}) {
    for (size_t threads : {1, 2, 5}) {
      StringKeyGroups groups;
      const Column* keys[] = {strings, &batch.column(1)};
      ASSERT_TRUE(groups.Build(keys, threads));
      std::vector<uint32_t> of_entry;
      groups.MapEntries(dictionary, &of_entry);
      size_t e = 0;
      for (const auto& [device, pairs] : expected) {
        const uint32_t g = of_entry[e++];
        ASSERT_NE(g, StringKeyGroups::kNoGroup) << device;
        std::vector<std::pair<int64_t, uint32_t>> listed;
        for (uint32_t i = groups.offsets()[g]; i < groups.offsets()[g + 1]; ++i) {
          listed.emplace_back(groups.values()[i], groups.rows()[i]);
        }
        EXPECT_EQ(listed, pairs) << device << " on " << threads << " threads";
      }
    }
  }
}

// A probe batch of at least two output batches is split over the context's threads, smaller
// ones are probed a batch per thread; every join type must still give the reference result,
// with and without dictionary strings, also when each probe row has many matches (lanes then
// pause and resume).
TEST_F(JoinTest, ParallelProbeLanesMatchTheReference) {
  std::mt19937 rng(7);
  ExecutionContext parallel = context_;
  parallel.threads = 3;
  for (auto [left_rows, right_rows, key_range] :
       {std::tuple{40000, 900, 300}, std::tuple{33000, 40, 4}}) {
    JoinInput in = RandomInput(&rng, left_rows, right_rows, key_range, /*residual=*/false);
    for (PhysicalJoinType type : kAllTypes) {
      SCOPED_TRACE("type " + std::to_string(static_cast<int>(type)) + " keys " +
                   std::to_string(key_range));
      const std::vector<std::string> expected = ReferenceJoin(in, type);
      for (bool dictionary : {false, true}) {
        in.dictionary_strings = dictionary;
        EXPECT_EQ(RunHashJoin(in, type, &parallel, left_rows), expected);
        // Small batches go one to a lane.
        EXPECT_EQ(RunHashJoin(in, type, &parallel, 1000), expected);
      }
    }
  }
}

// The shared budget makes a join spill even under a generous per-operator limit: another
// operator's reservation leaves it too little room. The answer is the reference's, the budget
// never granted more than its limit, and every byte is given back.
TEST_F(JoinTest, SharedMemoryBudgetMakesJoinsSpill) {
  std::mt19937 rng(11);
  JoinInput in = RandomInput(&rng, 700, 900, 300, /*residual=*/true);
  MemoryBudget budget(64 << 10);
  MemoryReservation other_operator(&budget);
  ASSERT_TRUE(other_operator.Resize(60 << 10));
  ExecutionContext budgeted = context_;
  budgeted.memory_limit_bytes = size_t{1} << 30;
  budgeted.memory_budget = &budget;
  for (PhysicalJoinType type : kAllTypes) {
    SCOPED_TRACE("type " + std::to_string(static_cast<int>(type)));
    EXPECT_EQ(RunHashJoin(in, type, &budgeted, 64), ReferenceJoin(in, type));
    EXPECT_LE(budget.peak(), budget.limit());
    EXPECT_EQ(budget.used(), size_t{60} << 10);
  }
  // Without anywhere to spill, the join runs in memory and the budget counts it past its limit
  // while it holds the build side.
  ExecutionContext nowhere = budgeted;
  nowhere.fs = nullptr;
  EXPECT_EQ(RunHashJoin(in, PhysicalJoinType::kInner, &nowhere, 64),
            ReferenceJoin(in, PhysicalJoinType::kInner));
  EXPECT_EQ(budget.used(), size_t{60} << 10);
}

TEST_F(JoinTest, NotInNullOnlyInAnotherSpilledPartition) {
  // The NULL on the right lands in a different partition than most left rows: the answer must
  // still be empty.
  std::mt19937 rng(7);
  JoinInput in = RandomInput(&rng, 300, 400, 200, false);
  in.right.push_back({kNull, std::string("p"), int64_t{1}});
  ExecutionContext spill_context = context_;
  spill_context.memory_limit_bytes = 1024;
  EXPECT_TRUE(RunHashJoin(in, PhysicalJoinType::kAntiNullAware, &spill_context, 50).empty());
}

TEST_F(JoinTest, NotInNullLeftKeyInPartitionWithoutBuildRows) {
  // The right side has no NULL but is non-empty: a NULL left key is unknown, never kept, even
  // when its spilled partition holds no right rows.
  // Many copies of one key fill one partition (which cannot be split further) and leave the
  // NULL rows' partition without build rows, for most keys K.
  for (int64_t key : {2, 4, 6, 8, 10, 12}) {
    SCOPED_TRACE("key " + std::to_string(key));
    JoinInput in;
    in.left_schema = MakeSchema({{"k", TypeId::kInt64}});
    in.right_schema = in.left_schema;
    for (int i = 0; i < 300; ++i) in.right.push_back({key});
    in.left = {{kNull}, {int64_t{1}}, {kNull}};
    in.left_keys = {0};
    in.right_keys = {0};
    ExecutionContext spill_context = context_;
    spill_context.memory_limit_bytes = 1024;
    EXPECT_EQ(RunHashJoin(in, PhysicalJoinType::kAntiNullAware, &spill_context, 7),
              std::vector<std::string>{"1"});
    EXPECT_EQ(RunHashJoin(in, PhysicalJoinType::kAnti, &spill_context, 7),
              Sorted({"1", "NULL", "NULL"}));
  }
}

TEST(KeyHashingTest, EqualKeysHashEquallyAndPairsAreCheckedColumnWise) {
  ColumnBuilder a(TypeId::kString), b(TypeId::kString), x(TypeId::kInt32), y(TypeId::kInt32);
  for (const char* s : {"alpha", "beta", "alpha"}) a.AppendString(s);
  for (const char* s : {"alpha", "alpha", "gamma"}) b.AppendString(s);
  x.AppendInt32(1);
  x.AppendInt32(1);
  x.AppendNull();
  for (int32_t v : {1, 2, 1}) y.AppendInt32(v);
  const Column ca = a.Finish(), cb = b.Finish(), cx = x.Finish(), cy = y.Finish();
  const Column* left[] = {&ca, &cx};
  const Column* right[] = {&cb, &cy};
  std::vector<uint64_t> lh, rh;
  std::vector<uint8_t> ln, rn;
  HashKeyColumns(left, 0, 3, &lh, &ln);
  HashKeyColumns(right, 0, 3, &rh, &rn);
  EXPECT_EQ(lh[0], rh[0]);  // ("alpha", 1) on both sides
  EXPECT_NE(lh[0], lh[1]);
  EXPECT_EQ(ln, (std::vector<uint8_t>{0, 0, 1}));
  EXPECT_EQ(rn, (std::vector<uint8_t>{0, 0, 0}));
  std::vector<uint64_t> seeded;
  HashKeyColumns(left, 1, 3, &seeded, &ln);
  EXPECT_NE(seeded[0], lh[0]);
  // All pairs of rows 0..1 (left) x 0..2 (right): only (0, 0) agrees on both columns.
  std::vector<uint32_t> lrows = {0, 0, 0, 1, 1, 1}, rrows = {0, 1, 2, 0, 1, 2};
  KeepEqualKeyPairs(left, right, &lrows, &rrows);
  EXPECT_EQ(lrows, std::vector<uint32_t>{0});
  EXPECT_EQ(rrows, std::vector<uint32_t>{0});
}

// Candidate pairs over dictionary-encoded strings (two dictionaries that repeat values, and
// one shared) in runs of repeated and changing codes: exactly the pairs of equal strings stay.
TEST(KeyHashingTest, DictionaryPairsAreCheckedByString) {
  const std::vector<std::string> words = {"ann@x", "bob@x", "ann@x", "cy@x", "bob@x"};
  auto dictionary = [&](size_t rotate) {
    ColumnBuilder entries(TypeId::kString);
    for (size_t i = 0; i < words.size(); ++i) {
      entries.AppendString(words[(i + rotate) % words.size()]);
    }
    return std::make_shared<const Column>(entries.Finish());
  };
  std::mt19937 rng(5);
  auto codes = [&](size_t rows) {
    std::vector<uint32_t> out;
    while (out.size() < rows) {
      const uint32_t code = static_cast<uint32_t>(rng() % words.size());
      out.insert(out.end(), 1 + rng() % 4, code);  // runs of one code
    }
    out.resize(rows);
    return out;
  };
  const auto shared = dictionary(0);
  for (const auto& [pd, bd] : {std::pair{shared, shared}, std::pair{shared, dictionary(2)}}) {
    const Column probe = Column::FromDictionary(pd, codes(200), {});
    const Column build = Column::FromDictionary(bd, codes(200), {});
    std::vector<uint32_t> pr, br;
    for (uint32_t i = 0; i < 400; ++i) {
      pr.push_back(i % 200 / (1 + rng() % 2));
      br.push_back(i % 3 == 0 ? pr.back() : static_cast<uint32_t>(rng() % 200));
    }
    std::vector<uint32_t> want_p, want_b;
    for (size_t i = 0; i < pr.size(); ++i) {
      if (probe.GetString(pr[i]) == build.GetString(br[i])) {
        want_p.push_back(pr[i]);
        want_b.push_back(br[i]);
      }
    }
    const Column* p[] = {&probe};
    const Column* b[] = {&build};
    KeepEqualKeyPairs(p, b, &pr, &br);
    EXPECT_EQ(pr, want_p);
    EXPECT_EQ(br, want_b);
    EXPECT_GT(want_p.size(), 50u);
    EXPECT_LT(want_p.size(), 400u);
  }
}

TEST_F(JoinTest, LargeFanOutStreamsInPieces) {
  JoinInput in;
  in.left_schema = MakeSchema({{"k", TypeId::kInt64}, {"a", TypeId::kInt64}});
  in.right_schema = MakeSchema({{"k", TypeId::kInt64}, {"b", TypeId::kInt64}});
  for (int64_t i = 0; i < 3; ++i) in.left.push_back({int64_t{1}, i});
  for (int64_t i = 0; i < 20000; ++i) in.right.push_back({int64_t{1}, i});
  in.left_keys = {0};
  in.right_keys = {0};
  OperatorPtr op = BuildHashJoin(in, PhysicalJoinType::kInner, &context_, 5000);
  size_t batches = 0;
  const std::vector<std::string> rows = Drain(op.get(), &batches);  // checks batch sizes
  EXPECT_EQ(rows.size(), 60000u);
  EXPECT_GE(batches, 4u);
  // Every (a, b) pair exactly once.
  std::vector<std::string> expected;
  for (int64_t a = 0; a < 3; ++a) {
    for (int64_t b = 0; b < 20000; ++b) {
      expected.push_back("1|" + std::to_string(a) + "|1|" + std::to_string(b));
    }
  }
  EXPECT_EQ(rows, Sorted(expected));
}

// IN over a heavily duplicated set: each left row needs one match, not one per duplicate
// (20,000 x 20,000 candidate pairs would take far longer than this test may).
TEST_F(JoinTest, SemiJoinOnDuplicatedBuildKeys) {
  JoinInput in;
  in.left_schema = MakeSchema({{"k", TypeId::kInt64}});
  in.right_schema = in.left_schema;
  for (int64_t i = 0; i < 20000; ++i) in.left.push_back({i % 3});
  for (int i = 0; i < 20000; ++i) in.right.push_back({int64_t{i % 2}});
  in.left_keys = {0};
  in.right_keys = {0};
  const std::vector<std::string> semi = RunHashJoin(in, PhysicalJoinType::kSemi, &context_, 4096);
  EXPECT_EQ(semi.size(), 13334u);  // left rows with k in {0, 1}
  const std::vector<std::string> anti = RunHashJoin(in, PhysicalJoinType::kAnti, &context_, 4096);
  EXPECT_EQ(anti, std::vector<std::string>(6666, "2"));
}

TEST_F(JoinTest, SpillToLocalDiskLeavesTempDirEmpty) {
  char pattern[] = "/tmp/stedi-join-test-XXXXXX";
  ASSERT_NE(::mkdtemp(pattern), nullptr);
  const std::string root = pattern;
  std::unique_ptr<FileSystem> local = NewLocalFileSystem();
  ExecutionContext context;
  context.fs = local.get();
  context.temp_dir = JoinPath(root, "_tmp");  // created on demand
  context.memory_limit_bytes = 2048;
  std::mt19937 rng(99);
  const JoinInput in = RandomInput(&rng, 500, 800, 100, true);
  {
    OperatorPtr op = BuildHashJoin(in, PhysicalJoinType::kFull, &context, 100);
    Result<std::optional<Batch>> first = op->Next();
    ASSERT_TRUE(first.ok()) << first.status().ToString();
    Result<std::vector<FileInfo>> during = local->ListRecursive(context.temp_dir);
    ASSERT_TRUE(during.ok());
    EXPECT_FALSE(during.value().empty()) << "the join should have spilled";
    // Destroyed halfway through: every spill file goes too.
  }
  Result<std::vector<FileInfo>> after = local->ListRecursive(context.temp_dir);
  ASSERT_TRUE(after.ok());
  EXPECT_TRUE(after.value().empty());
  EXPECT_EQ(RunHashJoin(in, PhysicalJoinType::kFull, &context, 100),
            ReferenceJoin(in, PhysicalJoinType::kFull));
  after = local->ListRecursive(context.temp_dir);
  ASSERT_TRUE(after.ok());
  EXPECT_TRUE(after.value().empty());
  ASSERT_TRUE(local->DeleteDirRecursive(root).ok());
}

OperatorPtr BuildNestedLoopJoin(const JoinInput& in, PhysicalJoinType type,
                                const ExecutionContext* context) {
  BoundExprPtr condition;
  if (in.residual_less) {
    const size_t width = in.left_schema->num_fields();
    auto [a, b] = *in.residual_less;
    condition =
        Less(Col(a, in.left_schema->field(a).type), Col(b, in.right_schema->field(b - width).type));
  }
  return MakeNestedLoopJoin(std::make_unique<RowsSource>(in.left_schema, in.left, 7),
                            std::make_unique<RowsSource>(in.right_schema, in.right, 7), type,
                            std::move(condition),
                            JoinedSchema(*in.left_schema, *in.right_schema, type), context);
}

TEST_F(JoinTest, NestedLoopCrossJoin) {
  JoinInput in;
  in.left_schema = MakeSchema({{"a", TypeId::kInt64}});
  in.right_schema = MakeSchema({{"b", TypeId::kString}});
  in.left = {{int64_t{1}}, {int64_t{2}}};
  in.right = {{"x"}, {"y"}, {kNull}};
  OperatorPtr op = BuildNestedLoopJoin(in, PhysicalJoinType::kInner, &context_);
  EXPECT_EQ(Drain(op.get()), Sorted({"1|x", "1|y", "1|NULL", "2|x", "2|y", "2|NULL"}));
}

TEST_F(JoinTest, NestedLoopConditionAgainstReference) {
  std::mt19937 rng(5);
  JoinInput in = RandomInput(&rng, 150, 120, 3, true);
  in.left_keys.clear();
  in.right_keys.clear();
  for (PhysicalJoinType type : kAllTypes) {
    if (type == PhysicalJoinType::kAntiNullAware) continue;  // no keys: plain anti
    SCOPED_TRACE(static_cast<int>(type));
    OperatorPtr op = BuildNestedLoopJoin(in, type, &context_);
    EXPECT_EQ(Drain(op.get()), ReferenceJoin(in, type));
  }
}

TEST_F(JoinTest, SpillFileRoundTripAndDelete) {
  auto schema = MakeSchema({{"i", TypeId::kInt32},
                            {"s", TypeId::kString},
                            {"d", TypeId::kFloat64},
                            {"b", TypeId::kBoolean},
                            {"t", TypeId::kTimestamp}});
  std::vector<Row> rows = {{int64_t{1}, "one", int64_t{4}, int64_t{1}, int64_t{-5}},
                           {kNull, kNull, kNull, kNull, kNull},
                           {int64_t{-3}, "", int64_t{-8}, int64_t{0}, int64_t{1} << 40}};
  std::string path;
  {
    Result<std::unique_ptr<SpillFile>> file = SpillFile::Create(&context_, schema);
    ASSERT_TRUE(file.ok()) << file.status().ToString();
    SpillFile& f = *file.value();
    path = f.path();
    ASSERT_TRUE(f.Append(MakeBatch(schema, rows)).ok());
    ASSERT_TRUE(f.Append(MakeBatch(schema, {rows[0]})).ok());
    ASSERT_TRUE(f.FinishWriting().ok());
    EXPECT_EQ(f.rows(), 4u);
    RowsSource expected_source(schema, {rows[0], rows[1], rows[2], rows[0]}, 100);
    const std::vector<std::string> expected = Drain(&expected_source);
    std::vector<std::string> got;
    while (true) {
      Result<std::optional<Batch>> b = f.ReadNext();
      ASSERT_TRUE(b.ok()) << b.status().ToString();
      if (!b.value().has_value()) break;
      for (size_t r = 0; r < b.value()->num_rows(); ++r) {
        std::string line;
        for (size_t c = 0; c < schema->num_fields(); ++c) {
          line += (c ? "|" : "") + CellText(b.value()->column(c), r);
        }
        got.push_back(line);
      }
    }
    EXPECT_EQ(Sorted(got), expected);
    Result<bool> exists = memory_fs_->Exists(path);
    ASSERT_TRUE(exists.ok());
    EXPECT_TRUE(exists.value());
  }
  Result<bool> exists = memory_fs_->Exists(path);
  ASSERT_TRUE(exists.ok());
  EXPECT_FALSE(exists.value());
}

// Rows appended by index (plain and dictionary strings, nulls, every fixed width) come back
// in append order, glued into batches of at least the asked size except the last.
TEST_F(JoinTest, SpillFileGathersRowsAndGluesRecords) {
  auto schema = MakeSchema({{"i", TypeId::kInt32},
                            {"s", TypeId::kString},
                            {"d", TypeId::kFloat64},
                            {"b", TypeId::kBoolean},
                            {"t", TypeId::kTimestamp}});
  std::mt19937 rng(11);
  std::uniform_int_distribution<int> pct(0, 99);
  std::vector<Row> rows;
  for (int i = 0; i < 40; ++i) {
    auto maybe = [&](const Value& v) { return pct(rng) < 15 ? kNull : v; };
    rows.push_back({maybe(int64_t{i}), maybe(std::string(static_cast<size_t>(i % 5), 'x')),
                    maybe(int64_t{i * 3}), maybe(int64_t{i % 2}), maybe(int64_t{i} << 35)});
  }
  const std::shared_ptr<const Column> dictionary = DictionaryOf(rows, {}, 2);
  Result<std::unique_ptr<SpillFile>> file = SpillFile::Create(&context_, schema);
  ASSERT_TRUE(file.ok()) << file.status().ToString();
  SpillFile& f = *file.value();
  std::vector<Row> appended;
  for (bool as_codes : {false, true}) {
    Batch batch = MakeBatch(schema, rows);
    if (as_codes) batch = DictionaryEncoded(batch, dictionary, 2);
    for (int part = 0; part < 4; ++part) {
      std::vector<uint32_t> pick;
      for (uint32_t r = 0; r < rows.size(); ++r) {
        if (static_cast<int>((r * 7 + as_codes) % 4) == part) pick.push_back(r);
      }
      std::shuffle(pick.begin(), pick.end(), rng);
      ASSERT_TRUE(f.AppendRows(batch, pick).ok());
      for (uint32_t r : pick) appended.push_back(rows[r]);
    }
  }
  ASSERT_TRUE(f.FinishWriting().ok());
  EXPECT_EQ(f.rows(), appended.size());
  std::vector<std::string> got;
  std::vector<size_t> sizes;
  while (true) {
    Result<std::optional<Batch>> b = f.ReadNext(25);
    ASSERT_TRUE(b.ok()) << b.status().ToString();
    if (!b.value().has_value()) break;
    sizes.push_back(b.value()->num_rows());
    for (size_t r = 0; r < b.value()->num_rows(); ++r) {
      std::string line;
      for (size_t c = 0; c < schema->num_fields(); ++c) {
        line += (c ? "|" : "") + CellText(b.value()->column(c), r);
      }
      got.push_back(line);
    }
  }
  // In append order.
  std::vector<std::string> expected;
  for (const Row& row : appended) {
    RowsSource one(schema, {row}, 1);
    expected.push_back(Drain(&one).at(0));
  }
  EXPECT_EQ(got, expected);
  ASSERT_FALSE(sizes.empty());
  for (size_t i = 0; i + 1 < sizes.size(); ++i) EXPECT_GE(sizes[i], 25u);
}

// Runs of one string (a customer's readings side by side) are spilled as their strings plus a
// code per row: the file is far smaller than the strings, and records of either form glued into
// one batch (plain, runs with nulls, runs of a dictionary's codes) read back as appended.
TEST_F(JoinTest, SpillFileStoresStringRunsOnce) {
  auto schema = MakeSchema({{"s", TypeId::kString}, {"i", TypeId::kInt32}});
  const std::string long_name(40, 'm');
  std::vector<Row> unique, runs;
  for (int i = 0; i < 300; ++i) {
    unique.push_back({"user" + std::to_string(i) + "@example.com", int64_t{i}});
    const Value s = i % 7 == 3 ? kNull : Value(long_name + std::to_string(i / 50));
    runs.push_back({s, int64_t{i}});
  }
  const std::shared_ptr<const Column> dictionary = DictionaryOf(runs, {}, 2);
  Result<std::unique_ptr<SpillFile>> file = SpillFile::Create(&context_, schema);
  ASSERT_TRUE(file.ok()) << file.status().ToString();
  SpillFile& f = *file.value();
  std::vector<Row> appended;
  const std::vector<std::pair<const std::vector<Row>*, bool>> parts = {
      {&unique, false}, {&runs, false}, {&runs, true}, {&unique, false}, {&runs, false}};
  size_t string_bytes = 0;
  for (const auto& [rows, as_codes] : parts) {
    Batch batch = MakeBatch(schema, *rows);
    if (as_codes) batch = DictionaryEncoded(batch, dictionary, 2);
    ASSERT_TRUE(f.Append(batch).ok());
    appended.insert(appended.end(), rows->begin(), rows->end());
    if (rows == &runs) {
      for (const Row& row : *rows) {
        if (const auto* s = std::get_if<std::string>(&row[0])) string_bytes += s->size();
      }
    }
  }
  ASSERT_TRUE(f.FinishWriting().ok());
  // The three records of runs hold 18 distinct strings of 41 bytes: with every string
  // stored, they alone would take more than the whole file.
  Result<std::unique_ptr<RandomAccessFile>> written = memory_fs_->OpenForRead(f.path());
  ASSERT_TRUE(written.ok());
  EXPECT_LT(written.value()->size(), string_bytes);
  for (size_t min_rows : {size_t{0}, appended.size()}) {
    SpillFile* reader = &f;
    std::unique_ptr<SpillFile> again;
    if (min_rows > 0) {
      Result<std::unique_ptr<SpillFile>> copy = SpillFile::Create(&context_, schema);
      ASSERT_TRUE(copy.ok());
      again = std::move(copy.value());
      for (const auto& [rows, as_codes] : parts) {
        Batch batch = MakeBatch(schema, *rows);
        if (as_codes) batch = DictionaryEncoded(batch, dictionary, 2);
        ASSERT_TRUE(again->Append(batch).ok());
      }
      ASSERT_TRUE(again->FinishWriting().ok());
      reader = again.get();
    }
    std::vector<std::string> got;
    while (true) {
      Result<std::optional<Batch>> b = reader->ReadNext(min_rows);
      ASSERT_TRUE(b.ok()) << b.status().ToString();
      if (!b.value().has_value()) break;
      for (size_t r = 0; r < b.value()->num_rows(); ++r) {
        got.push_back(CellText(b.value()->column(0), r) + "|" + CellText(b.value()->column(1), r));
      }
    }
    std::vector<std::string> expected;
    for (const Row& row : appended) {
      expected.push_back(ValueText(row[0]) + "|" + ValueText(row[1]));
    }
    EXPECT_EQ(got, expected) << "min_rows " << min_rows;
  }
}

}  // namespace
}  // namespace stedi::sql

namespace stedi::sql {
namespace {

// Not a correctness test: times a 1M x 4M inner join (run with
// --gtest_also_run_disabled_tests --gtest_filter=*Benchmark*).
TEST_F(JoinTest, DISABLED_Benchmark) {
  auto schema = MakeSchema({{"k", TypeId::kInt64}, {"v", TypeId::kInt64}});
  auto make = [&](size_t rows, int64_t modulo) {
    std::vector<Batch> out;
    for (size_t at = 0; at < rows; at += Operator::kBatchRows) {
      ColumnBuilder k(TypeId::kInt64), v(TypeId::kInt64);
      for (size_t r = at; r < std::min(rows, at + Operator::kBatchRows); ++r) {
        k.AppendInt64(static_cast<int64_t>((r * 2654435761u) % modulo));
        v.AppendInt64(static_cast<int64_t>(r));
      }
      std::vector<Column> cols;
      cols.push_back(k.Finish());
      cols.push_back(v.Finish());
      out.push_back(Batch(schema, std::move(cols)));
    }
    return out;
  };
  class BatchesSource final : public Operator {
   public:
    BatchesSource(std::shared_ptr<const Schema> s, std::vector<Batch> b)
        : schema_(std::move(s)), batches_(std::move(b)) {}
    const std::shared_ptr<const Schema>& schema() const override { return schema_; }
    Result<std::optional<Batch>> Next() override {
      if (next_ == batches_.size()) return std::optional<Batch>();
      return std::optional<Batch>(std::move(batches_[next_++]));
    }
    std::string Describe() const override { return "BatchesSource"; }

   private:
    std::shared_ptr<const Schema> schema_;
    std::vector<Batch> batches_;
    size_t next_ = 0;
  };
  for (size_t limit : {size_t{1} << 30, size_t{4} << 20}) {
    ExecutionContext context = context_;
    context.memory_limit_bytes = limit;
    HashJoinSpec spec;
    spec.left_keys.push_back(Col(0, TypeId::kInt64));
    spec.right_keys.push_back(Col(0, TypeId::kInt64));
    spec.output_schema = JoinedSchema(*schema, *schema, PhysicalJoinType::kInner);
    auto left = std::make_unique<BatchesSource>(schema, make(4000000, 1000000));
    auto right = std::make_unique<BatchesSource>(schema, make(1000000, 1000000));
    auto start = std::chrono::steady_clock::now();
    OperatorPtr op = MakeHashJoin(std::move(left), std::move(right), std::move(spec), &context);
    size_t rows = 0;
    while (true) {
      auto b = op->Next();
      ASSERT_TRUE(b.ok());
      if (!b.value().has_value()) break;
      rows += b.value()->num_rows();
    }
    auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(
                  std::chrono::steady_clock::now() - start)
                  .count();
    std::printf("limit %zu: %zu rows in %lld ms\n", limit, rows, static_cast<long long>(ms));
  }
}

}  // namespace
// A table built by several threads (slot ranges side by side) has exactly the chains of one
// built on one thread: the same rows, in ascending order, for every hash; null keys left out;
// with a key check, only the first row of each key.
TEST(JoinHashTableTest, BuildOnThreadsGivesTheChainsOfOneThread) {
  std::mt19937_64 rng(3);
  const size_t rows = (1 << 18) + 12345;  // above the size built on threads
  std::vector<uint64_t> hashes(rows);
  std::vector<uint8_t> key_null(rows);
  std::vector<uint32_t> keys(rows);
  for (size_t r = 0; r < rows; ++r) {
    keys[r] = static_cast<uint32_t>(rng() % 50000);  // repeated keys: long chains
    hashes[r] = (keys[r] % 7 == 0 ? keys[r] % 300 : keys[r]) * 0x9E3779B97F4A7C15ULL;
    key_null[r] = rng() % 50 == 0;
  }
  const std::function<bool(uint32_t, uint32_t)> same_key = [&](uint32_t a, uint32_t b) {
    return keys[a] == keys[b];
  };
  for (const auto* check :
       {static_cast<const std::function<bool(uint32_t, uint32_t)>*>(nullptr), &same_key}) {
    JoinHashTable one, many;
    one.Build(hashes, key_null, check, 1);
    for (size_t threads : {2, 3, 8}) {
      many.Build(hashes, key_null, check, threads);
      size_t linked = 0;
      for (size_t r = 0; r < rows; r += 97) {
        std::vector<uint32_t> a, b;
        for (uint32_t x = one.First(hashes[r]); x != JoinHashTable::kEnd; x = one.Next(x)) {
          a.push_back(x);
        }
        for (uint32_t x = many.First(hashes[r]); x != JoinHashTable::kEnd; x = many.Next(x)) {
          b.push_back(x);
          ASSERT_EQ(many.hash(x), hashes[x]);
        }
        ASSERT_EQ(a, b) << "row " << r << ", " << threads << " threads";
        ASSERT_TRUE(std::is_sorted(b.begin(), b.end()));
        for (uint32_t x : b) ASSERT_EQ(key_null[x], 0);
        linked += b.size();
      }
      EXPECT_GT(linked, rows / 97);
    }
  }
}

}  // namespace stedi::sql
