#include "storage/file_uri.h"

#include <gtest/gtest.h>

namespace stedi {
namespace {

TEST(FileUriTest, EveryWritersSpellingNamesTheSamePath) {
  EXPECT_EQ(FileUri("/lake/t/a.parquet"), "file:///lake/t/a.parquet");
  for (const char* uri :
       {"file:///lake/t/a.parquet", "file:/lake/t/a.parquet", "/lake/t/a.parquet"}) {
    auto path = LocalPathFromUri(uri);
    ASSERT_TRUE(path.ok()) << uri << ": " << path.status().ToString();
    EXPECT_EQ(*path, "/lake/t/a.parquet") << uri;
  }
  auto literal = LocalPathFromUri("file:///my lake/100%25/a.parquet");
  ASSERT_TRUE(literal.ok());
  EXPECT_EQ(*literal, "/my lake/100%25/a.parquet");
}

TEST(FileUriTest, OtherSchemesAndRelativePathsAreRefusedByName) {
  auto s3 = LocalPathFromUri("s3://bucket/a.parquet");
  ASSERT_FALSE(s3.ok());
  EXPECT_TRUE(s3.status().IsNotImplemented());
  EXPECT_NE(s3.status().ToString().find("s3://bucket/a.parquet"), std::string::npos);
  EXPECT_FALSE(LocalPathFromUri("file://otherhost/a").ok());
  EXPECT_FALSE(LocalPathFromUri("relative/a.parquet").ok());
}

}  // namespace
}  // namespace stedi
