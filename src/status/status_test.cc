#include "status/status.h"

#include <gtest/gtest.h>

#include "status/result.h"

namespace stedi {
namespace {

Result<int> Half(int x) {
  if (x % 2 != 0) return Status::Invalid("odd value " + std::to_string(x));
  return x / 2;
}

Result<int> Quarter(int x) {
  STEDI_ASSIGN_OR_RETURN(int h, Half(x));
  STEDI_ASSIGN_OR_RETURN(int q, Half(h));
  return q;
}

Status CheckQuarter(int x) {
  STEDI_RETURN_NOT_OK(Quarter(x).status());
  return Status::OK();
}

TEST(StatusTest, OkHasNoMessage) {
  Status s;
  EXPECT_TRUE(s.ok());
  EXPECT_EQ(s.ToString(), "OK");
  EXPECT_EQ(s.message(), "");
}

TEST(StatusTest, CarriesCodeAndContext) {
  Status s = Status::IOError("cannot open").WithContext("/lake/x.parquet");
  EXPECT_FALSE(s.ok());
  EXPECT_TRUE(s.IsIOError());
  EXPECT_EQ(s.ToString(), "I/O error: /lake/x.parquet: cannot open");
}

TEST(ResultTest, PropagatesFirstError) {
  EXPECT_EQ(*Quarter(8), 2);
  Result<int> r = Quarter(6);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().message(), "odd value 3");
  EXPECT_TRUE(CheckQuarter(6).IsInvalid());
  EXPECT_TRUE(CheckQuarter(4).ok());
}

}  // namespace
}  // namespace stedi
