#include "formats/parquet/rle_hybrid.h"

#include <gtest/gtest.h>

#include <random>

namespace stedi::parquet {
namespace {

TEST(RleHybridTest, BitPacksLikeTheSpecExample) {
  // The spec's example: 0..7 with bit width 3 packs to 10001000 11000110 11111010.
  std::string out;
  EncodeRleHybrid({0, 1, 2, 3, 4, 5, 6, 7}, 3, &out);
  EXPECT_EQ(out, std::string("\x03\x88\xC6\xFA", 4));
}

TEST(RleHybridTest, RepeatsBecomeRleRuns) {
  std::string out;
  EncodeRleHybrid(std::vector<uint32_t>(100, 5), 3, &out);
  EXPECT_EQ(out, std::string("\xC8\x01\x05", 3));  // header varint(100 << 1), value byte
}

TEST(RleHybridTest, RepeatedValueEncodesLikeTheVector) {
  for (int width : {1, 3, 8, 17, 32}) {
    for (size_t count : {size_t{0}, size_t{1}, size_t{7}, size_t{8}, size_t{9}, size_t{1000}}) {
      const uint32_t value = width == 32 ? 0xFFFFFFFFu : (1u << width) - 1;
      std::string expected, got;
      EncodeRleHybrid(std::vector<uint32_t>(count, value), width, &expected);
      EncodeRepeatedValue(value, count, width, &got);
      EXPECT_EQ(got, expected) << "width " << width << " count " << count;
    }
  }
}

TEST(RleHybridTest, RoundTripsRandomRunsAtEveryWidth) {
  std::mt19937 rng(42);
  for (int width = 1; width <= 32; ++width) {
    const uint64_t max = width == 32 ? 0xFFFFFFFFull : (1ull << width) - 1;
    std::vector<uint32_t> values;
    while (values.size() < 5000) {
      const uint32_t v = static_cast<uint32_t>(rng() % (max + 1));
      const size_t run = rng() % 3 == 0 ? rng() % 40 : 1;
      values.insert(values.end(), run, v);
    }
    std::string encoded;
    EncodeRleHybrid(values, width, &encoded);
    std::vector<uint32_t> decoded;
    ASSERT_TRUE(DecodeRleHybrid(encoded, width, values.size(), &decoded, "t").ok()) << width;
    EXPECT_EQ(decoded, values) << width;
  }
}

TEST(RleHybridTest, ShortInputIsCorruption) {
  std::string encoded;
  EncodeRleHybrid(std::vector<uint32_t>(20, 1), 1, &encoded);
  std::vector<uint32_t> out;
  Status st = DecodeRleHybrid(encoded, 1, 21, &out, "levels");
  EXPECT_TRUE(st.IsCorruption()) << st.ToString();
  EXPECT_TRUE(DecodeRleHybrid("", 1, 1, &out, "x").IsCorruption());
  EXPECT_TRUE(DecodeRleHybrid("\x02\x07", 2, 1, &out, "x").IsCorruption());   // value too wide
  EXPECT_TRUE(DecodeRleHybrid("\x01", 2, 1, &out, "x").IsCorruption());       // empty packed run
  EXPECT_TRUE(DecodeRleHybrid("\x02\x00", 40, 1, &out, "x").IsCorruption());  // bad width
}

}  // namespace
}  // namespace stedi::parquet
