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
