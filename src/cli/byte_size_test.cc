#include "cli/byte_size.h"

#include <gtest/gtest.h>

namespace stedi {
namespace {

uint64_t Bytes(std::string_view text) {
  Result<uint64_t> r = ParseByteSize(text);
  EXPECT_TRUE(r.ok()) << text << ": " << r.status().ToString();
  return r.ok() ? *r : 0;
}

TEST(ByteSizeTest, ReadsDecimalAndBinaryUnits) {
  EXPECT_EQ(Bytes("1048576"), 1048576u);
  EXPECT_EQ(Bytes("10B"), 10u);
  EXPECT_EQ(Bytes("512MiB"), 512ull * 1024 * 1024);
  EXPECT_EQ(Bytes("512m"), 512ull * 1024 * 1024);
  EXPECT_EQ(Bytes("2GB"), 2000000000ull);
  EXPECT_EQ(Bytes("2 gib"), 2ull << 30);
  EXPECT_EQ(Bytes("1.5GiB"), 3ull << 29);
  EXPECT_EQ(Bytes("1TB"), 1000000000000ull);
}

TEST(ByteSizeTest, RejectsWhatIsNoSize) {
  for (const char* bad : {"", "GiB", "-1GiB", "0", "1.2.3M", "12 parsecs", "5XB", "0.1B"}) {
    Result<uint64_t> r = ParseByteSize(bad);
    EXPECT_FALSE(r.ok()) << bad;
    if (!r.ok()) {
      EXPECT_NE(r.status().message().find("is not a size"), std::string::npos) << bad;
    }
  }
}

}  // namespace
}  // namespace stedi
