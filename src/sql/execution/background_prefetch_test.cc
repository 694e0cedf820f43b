#include "sql/execution/background_prefetch.h"

#include <gtest/gtest.h>

#include "sql/execution/relational_operators.h"

namespace stedi::sql {
namespace {

std::shared_ptr<const Schema> IntSchema() {
  return std::make_shared<const Schema>(std::vector<Field>{{"v", TypeId::kInt64}});
}

Batch Numbers(int64_t from, int64_t count) {
  ColumnBuilder b(TypeId::kInt64);
  for (int64_t i = 0; i < count; ++i) b.AppendInt64(from + i);
  std::vector<Column> columns;
  columns.push_back(b.Finish());
  return Batch(IntSchema(), std::move(columns));
}

// Yields N batches, then fails.
class FailingSource final : public Operator {
 public:
  explicit FailingSource(int batches) : batches_(batches) {}
  const std::shared_ptr<const Schema>& schema() const override { return schema_; }
  std::string Describe() const override { return "FailingSource"; }
  Result<std::optional<Batch>> Next() override {
    if (batches_-- > 0) return std::optional<Batch>(Numbers(0, 3));
    return Status::IOError("disk gone");
  }

 private:
  int batches_;
  std::shared_ptr<const Schema> schema_ = IntSchema();
};

TEST(BackgroundPrefetchTest, PassesEveryBatchInOrder) {
  std::vector<Batch> batches;
  for (int i = 0; i < 50; ++i) batches.push_back(Numbers(i * 10, 10));
  OperatorPtr op = MakeBackgroundPrefetch(MakeBatchSource(IntSchema(), batches), 2);
  int64_t expected = 0;
  while (true) {
    auto next = op->Next();
    ASSERT_TRUE(next.ok());
    if (!next->has_value()) break;
    for (size_t r = 0; r < (*next)->num_rows(); ++r) {
      EXPECT_EQ((*next)->column(0).GetInt64(r), expected++);
    }
  }
  EXPECT_EQ(expected, 500);
  auto again = op->Next();
  ASSERT_TRUE(again.ok());
  EXPECT_FALSE(again->has_value());
}

TEST(BackgroundPrefetchTest, ErrorsArriveAfterTheBatchesBeforeThem) {
  OperatorPtr op = MakeBackgroundPrefetch(std::make_unique<FailingSource>(3), 1);
  for (int i = 0; i < 3; ++i) {
    auto next = op->Next();
    ASSERT_TRUE(next.ok());
    ASSERT_TRUE(next->has_value());
  }
  auto failed = op->Next();
  ASSERT_FALSE(failed.ok());
  EXPECT_NE(failed.status().message().find("disk gone"), std::string::npos);
}

TEST(BackgroundPrefetchTest, StopsWhenDestroyedEarly) {
  std::vector<Batch> batches;
  for (int i = 0; i < 100; ++i) batches.push_back(Numbers(i, 1));
  OperatorPtr op = MakeBackgroundPrefetch(MakeBatchSource(IntSchema(), batches), 2);
  ASSERT_TRUE(op->Next().ok());
  op.reset();  // the producer is blocked on a full queue; this must not hang
  SUCCEED();
}

}  // namespace
}  // namespace stedi::sql
