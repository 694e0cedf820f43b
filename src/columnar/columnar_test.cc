#include <gtest/gtest.h>

#include "columnar/batch.h"

namespace stedi {
namespace {

TEST(ColumnBuilderTest, FixedWidthWithNulls) {
  ColumnBuilder b(TypeId::kInt64);
  b.AppendInt64(7);
  b.AppendNull();
  b.AppendInt64(-3);
  Column c = b.Finish();
  ASSERT_EQ(c.size(), 3u);
  EXPECT_EQ(c.null_count(), 1u);
  EXPECT_FALSE(c.IsNull(0));
  EXPECT_TRUE(c.IsNull(1));
  EXPECT_EQ(c.GetInt64(0), 7);
  EXPECT_EQ(c.GetInt64(2), -3);
  EXPECT_EQ(b.size(), 0u) << "Finish leaves the builder empty";
}

TEST(ColumnBuilderTest, StringsAndCopy) {
  ColumnBuilder b(TypeId::kString);
  b.AppendString("a");
  b.AppendNull();
  b.AppendString("");
  b.AppendString("xyz");
  Column c = b.Finish();
  EXPECT_EQ(c.GetString(0), "a");
  EXPECT_TRUE(c.IsNull(1));
  EXPECT_EQ(c.GetString(2), "");
  EXPECT_FALSE(c.IsNull(2));
  ColumnBuilder copy(TypeId::kString);
  for (size_t i = 0; i < c.size(); ++i) copy.AppendFrom(c, i);
  Column d = copy.Finish();
  EXPECT_EQ(d.GetString(3), "xyz");
  EXPECT_TRUE(d.IsNull(1));
}

TEST(BatchTest, ValidateCatchesMismatch) {
  auto schema = std::make_shared<Schema>(
      std::vector<Field>{{"a", TypeId::kInt64, false, 1}, {"B", TypeId::kString, true, 2}});
  BatchBuilder bb(schema);
  bb.column(0).AppendInt64(1);
  bb.column(1).AppendNull();
  Batch batch = bb.Finish();
  EXPECT_TRUE(batch.Validate().ok());
  EXPECT_EQ(batch.num_rows(), 1u);
  EXPECT_EQ(schema->FindField("b"), 1u);
  EXPECT_FALSE(schema->FindField("c").has_value());

  BatchBuilder bad(schema);
  bad.column(0).AppendNull();
  bad.column(1).AppendString("x");
  EXPECT_TRUE(bad.Finish().Validate().IsInvalid());
}

}  // namespace
}  // namespace stedi

namespace stedi {
namespace {

// The bulk gathers must equal row-by-row appends, nulls included (also into an empty builder).
TEST(ColumnKernels, BulkAppendsEqualRowByRowAppends) {
  uint64_t state = 7;
  auto next = [&]() {
    state = state * 6364136223846793005ULL + 1442695040888963407ULL;
    return state >> 33;
  };
  for (TypeId type : {TypeId::kInt64, TypeId::kInt32, TypeId::kString, TypeId::kBoolean}) {
    for (int round = 0; round < 20; ++round) {
      ColumnBuilder source(type);
      const size_t n = 1 + next() % 50;
      const bool with_nulls = round % 2 == 0;
      for (size_t i = 0; i < n; ++i) {
        if (with_nulls && next() % 3 == 0) {
          source.AppendNull();
        } else if (type == TypeId::kString) {
          source.AppendString(std::string(next() % 5, static_cast<char>('a' + next() % 26)));
        } else if (type == TypeId::kInt32) {
          source.AppendInt32(static_cast<int32_t>(next()));
        } else if (type == TypeId::kBoolean) {
          source.AppendBool(next() % 2 == 0);
        } else {
          source.AppendInt64(static_cast<int64_t>(next()));
        }
      }
      const Column column = source.Finish();
      std::vector<uint32_t> rows;
      for (size_t i = 0; i < 2 * n; ++i) rows.push_back(static_cast<uint32_t>(next() % n));
      ColumnBuilder slow(type), fast(type), range(type), slow_range(type);
      for (uint32_t r : rows) slow.AppendFrom(column, r);
      fast.AppendRows(column, rows.data(), rows.size());
      const size_t start = next() % n;
      const size_t count = next() % (n - start + 1);
      for (size_t i = start; i < start + count; ++i) slow_range.AppendFrom(column, i);
      range.AppendRange(column, start, count);
      const Column a = slow.Finish(), b = fast.Finish(), c = slow_range.Finish(),
                   d = range.Finish();
      ASSERT_EQ(a.size(), b.size());
      ASSERT_EQ(a.null_count(), b.null_count());
      ASSERT_EQ(c.size(), d.size());
      ASSERT_EQ(c.null_count(), d.null_count());
      for (size_t i = 0; i < a.size(); ++i) {
        ASSERT_EQ(a.IsNull(i), b.IsNull(i));
        if (type == TypeId::kString) {
          ASSERT_EQ(a.GetString(i), b.GetString(i));
        }
        if (type == TypeId::kInt64) {
          ASSERT_EQ(a.GetInt64(i), b.GetInt64(i));
        }
        if (type == TypeId::kInt32) {
          ASSERT_EQ(a.GetInt32(i), b.GetInt32(i));
        }
      }
      for (size_t i = 0; i < c.size(); ++i) {
        ASSERT_EQ(c.IsNull(i), d.IsNull(i));
        if (type == TypeId::kString) {
          ASSERT_EQ(c.GetString(i), d.GetString(i));
        }
        if (type == TypeId::kInt64) {
          ASSERT_EQ(c.GetInt64(i), d.GetInt64(i));
        }
      }
    }
  }
}

}  // namespace
}  // namespace stedi
