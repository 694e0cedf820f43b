#include "formats/parquet/delta_binary_packed.h"

#include <gtest/gtest.h>

#include <cstdint>
#include <limits>
#include <random>
#include <string>
#include <vector>

namespace stedi::parquet {
namespace {

std::string Bytes(std::initializer_list<int> bytes) {
  std::string out;
  for (int b : bytes) out.push_back(static_cast<char>(b));
  return out;
}

// The two examples of the Parquet specification, byte for byte.
TEST(DeltaBinaryPackedTest, MatchesTheSpecificationsExamples) {
  std::string out;
  EncodeDeltaBinaryPacked(std::vector<int32_t>{1, 2, 3, 4, 5}, &out);
  // Header: 128 values per block, 4 miniblocks, 5 values, first value 1 (zigzag 2); one block:
  // min delta 1 (zigzag 2), four bit widths of 0, no miniblock bytes.
  EXPECT_EQ(out, Bytes({0x80, 0x01, 0x04, 0x05, 0x02, 0x02, 0x00, 0x00, 0x00, 0x00}));

  out.clear();
  EncodeDeltaBinaryPacked(std::vector<int64_t>{7, 5, 3, 1, 2, 3, 4, 5}, &out);
  // Deltas -2 -2 -2 1 1 1 1; min -2 (zigzag 3); above it 0 0 0 3 3 3 3 in 2 bits, least
  // significant first: 0b11000000, 0b00111111, then zeros to 32 values.
  EXPECT_EQ(out, Bytes({0x80, 0x01, 0x04, 0x08, 0x0e, 0x03, 0x02, 0x00, 0x00, 0x00, 0xc0, 0x3f,
                        0x00, 0x00, 0x00, 0x00, 0x00, 0x00}));
  std::vector<int64_t> back;
  ASSERT_TRUE(DecodeDeltaBinaryPacked(out, 8, &back, "t").ok());
  EXPECT_EQ(back, (std::vector<int64_t>{7, 5, 3, 1, 2, 3, 4, 5}));
}

template <typename T>
std::vector<std::vector<T>> Sequences(std::mt19937_64& rng) {
  using L = std::numeric_limits<T>;
  std::vector<std::vector<T>> out = {{}, {L::min()}, {L::max(), L::min(), L::max(), 0, L::min()}};
  for (size_t n : {1u, 2u, 31u, 32u, 33u, 127u, 128u, 129u, 130u, 257u, 1000u}) {
    std::vector<T> sorted, random, constant, steps;
    T at = static_cast<T>(rng());
    for (size_t i = 0; i < n; ++i) {
      at = static_cast<T>(at + static_cast<T>(rng() % 1000));  // may wrap: that is the point
      sorted.push_back(at);
      random.push_back(static_cast<T>(rng()));
      constant.push_back(static_cast<T>(-5));
      steps.push_back(static_cast<T>(i % 7 == 0 ? L::min() : static_cast<T>(i)));
    }
    for (auto* v : {&sorted, &random, &constant, &steps}) out.push_back(*v);
  }
  // Differences of 57 to 63 bits: a packed value then straddles nine bytes.
  for (int drop = 1; drop <= 7; ++drop) {
    std::vector<T> narrower;
    for (int i = 0; i < 200; ++i) narrower.push_back(static_cast<T>(rng() >> drop));
    out.push_back(narrower);
  }
  return out;
}

template <typename T>
void RoundTrips() {
  std::mt19937_64 rng(17);
  for (const std::vector<T>& values : Sequences<T>(rng)) {
    std::string encoded;
    EncodeDeltaBinaryPacked(values, &encoded);
    std::vector<T> back;
    ASSERT_TRUE(DecodeDeltaBinaryPacked(encoded, values.size(), &back, "t").ok());
    EXPECT_EQ(back, values);
    // A prefix decodes alone.
    if (values.size() > 40) {
      ASSERT_TRUE(DecodeDeltaBinaryPacked(encoded, 40, &back, "t").ok());
      EXPECT_EQ(back, std::vector<T>(values.begin(), values.begin() + 40));
    }
    // Every truncation fails cleanly (the sanitizer build checks no byte beyond is read).
    for (size_t cut = 0; cut < encoded.size() && !values.empty(); ++cut) {
      const std::string shorter = encoded.substr(0, cut);
      Status st = DecodeDeltaBinaryPacked(shorter, values.size(), &back, "t");
      EXPECT_TRUE(st.IsCorruption()) << cut << " of " << encoded.size();
    }
  }
}

TEST(DeltaBinaryPackedTest, Int32RoundTripsWhateverTheValues) { RoundTrips<int32_t>(); }
TEST(DeltaBinaryPackedTest, Int64RoundTripsWhateverTheValues) { RoundTrips<int64_t>(); }

TEST(DeltaBinaryPackedTest, TimestampsTakeAboutOneBytePerValue) {
  std::mt19937_64 rng(3);
  std::vector<int64_t> ts;
  int64_t at = 1'655'564'444'103;
  for (int i = 0; i < 100'000; ++i) ts.push_back(at += 200 + static_cast<int64_t>(rng() % 50));
  std::string encoded;
  EncodeDeltaBinaryPacked(ts, &encoded);
  EXPECT_LT(encoded.size(), ts.size() * 1);  // 6 bits per difference, plus block headers
  EXPECT_GT(encoded.size(), ts.size() / 2);
}

TEST(DeltaBinaryPackedTest, MalformedInputIsRefused) {
  std::vector<int32_t> out32;
  std::vector<int64_t> out64;
  // Blocks of 100 values: not a multiple of 128.
  EXPECT_TRUE(DecodeDeltaBinaryPacked(Bytes({0x64, 0x04, 0x02, 0x00, 0x00}), 2, &out64, "t")
                  .IsCorruption());
  // Fewer values than the page needs.
  EXPECT_TRUE(DecodeDeltaBinaryPacked(Bytes({0x80, 0x01, 0x04, 0x01, 0x00}), 2, &out64, "t")
                  .IsCorruption());
  // A bit width of 33 for 32-bit values, and of 65 for 64-bit ones.
  std::string wide = Bytes({0x80, 0x01, 0x04, 0x02, 0x00, 0x00, 33, 0, 0, 0});
  wide.append(32 * 33 / 8, '\0');
  Status st = DecodeDeltaBinaryPacked(wide, 2, &out32, "page 7");
  EXPECT_TRUE(st.IsCorruption());
  EXPECT_NE(st.ToString().find("page 7"), std::string::npos) << st.ToString();
  EXPECT_TRUE(DecodeDeltaBinaryPacked(wide, 2, &out64, "t").ok());
  wide[6] = 65;
  wide.append(32 * 32 / 8, '\0');
  EXPECT_TRUE(DecodeDeltaBinaryPacked(wide, 2, &out64, "t").IsCorruption());
}

}  // namespace
}  // namespace stedi::parquet
