#include "formats/parquet/value_dictionary.h"

#include <gtest/gtest.h>

#include <bit>
#include <map>
#include <random>
#include <string>

namespace stedi::parquet {
namespace {

// Sends every key to the same slot, so every lookup walks the probe chain.
struct CollidingHash {
  uint64_t operator()(uint64_t) const { return 7; }
  uint64_t operator()(std::string_view) const { return 0x1234'0000'0007ULL; }
};

// Keeps the table's slot bits equal for all keys but the tag different, and vice versa.
struct SameSlotHash {
  uint64_t operator()(std::string_view s) const {
    return static_cast<uint64_t>(s.size()) << 32;  // slot 0 always; tag = length
  }
};

TEST(FixedWidthDictionaryTest, AssignsDenseIndicesInFirstSeenOrder) {
  FixedWidthDictionary<uint64_t> d;
  EXPECT_EQ(d.GetOrInsert(42), 0u);
  EXPECT_EQ(d.GetOrInsert(7), 1u);
  EXPECT_EQ(d.GetOrInsert(42), 0u);
  EXPECT_EQ(d.GetOrInsert(0), 2u);
  EXPECT_EQ(d.GetOrInsert(7), 1u);
  EXPECT_EQ(d.size(), 3u);
  EXPECT_EQ(d.values(), (std::vector<uint64_t>{42, 7, 0}));
  EXPECT_EQ(d.plain_bytes(), 24u);
}

TEST(FixedWidthDictionaryTest, DistinguishesDoubleBitPatterns) {
  FixedWidthDictionary<uint64_t> d;
  EXPECT_EQ(d.GetOrInsert(std::bit_cast<uint64_t>(0.0)), 0u);
  EXPECT_EQ(d.GetOrInsert(std::bit_cast<uint64_t>(-0.0)), 1u);
  EXPECT_EQ(d.GetOrInsert(std::bit_cast<uint64_t>(1.5)), 2u);
  EXPECT_EQ(d.GetOrInsert(std::bit_cast<uint64_t>(0.0)), 0u);
}

TEST(FixedWidthDictionaryTest, SurvivesTotalCollisionsAndGrowth) {
  FixedWidthDictionary<uint32_t, CollidingHash> d;
  for (uint32_t i = 0; i < 2000; ++i) EXPECT_EQ(d.GetOrInsert(i * 3u), i);
  for (uint32_t i = 0; i < 2000; ++i) EXPECT_EQ(d.GetOrInsert(i * 3u), i) << i;
  EXPECT_EQ(d.GetOrInsert(1), 2000u);  // absent key at the end of a full probe chain
  EXPECT_EQ(d.size(), 2001u);
}

TEST(FixedWidthDictionaryTest, MatchesAMapOnManyRandomValues) {
  FixedWidthDictionary<uint64_t> d;
  std::map<uint64_t, uint32_t> expected;
  std::mt19937_64 rng(1);
  for (int i = 0; i < 300'000; ++i) {
    // A mix of repeats (small range) and fresh values, including keys differing only in high bits.
    const uint64_t v = (i % 3 == 0) ? rng() % 1000 : (rng() % 50'000) << 40;
    auto [it, inserted] = expected.emplace(v, static_cast<uint32_t>(expected.size()));
    ASSERT_EQ(d.GetOrInsert(v), it->second) << "value " << v << " at step " << i;
  }
  EXPECT_EQ(d.size(), expected.size());
  for (const auto& [v, index] : expected) EXPECT_EQ(d.values()[index], v);
}

TEST(FixedWidthDictionaryTest, ClearStartsOver) {
  FixedWidthDictionary<uint32_t> d;
  for (uint32_t i = 0; i < 1000; ++i) d.GetOrInsert(i);
  d.Clear();
  EXPECT_EQ(d.size(), 0u);
  EXPECT_EQ(d.GetOrInsert(999), 0u);
  EXPECT_EQ(d.GetOrInsert(5), 1u);
  EXPECT_EQ(d.GetOrInsert(999), 0u);
}

TEST(ByteArrayDictionaryTest, KeepsPlainEncodedValuesInOneArena) {
  ByteArrayDictionary<> d;
  EXPECT_EQ(d.GetOrInsert("ab"), 0u);
  EXPECT_EQ(d.GetOrInsert(""), 1u);
  EXPECT_EQ(d.GetOrInsert("ab"), 0u);
  EXPECT_EQ(d.GetOrInsert(std::string_view("a\0b", 3)), 2u);
  EXPECT_EQ(d.size(), 3u);
  EXPECT_EQ(d.Get(0), "ab");
  EXPECT_EQ(d.Get(1), "");
  EXPECT_EQ(d.Get(2), std::string_view("a\0b", 3));
  const std::string expected(
      "\x02\x00\x00\x00"
      "ab"
      "\x00\x00\x00\x00"
      "\x03\x00\x00\x00"
      "a\0b",
      17);
  EXPECT_EQ(d.plain(), expected);
  EXPECT_EQ(d.plain_bytes(), 17u);
}

TEST(ByteArrayDictionaryTest, SurvivesTotalCollisionsAndGrowth) {
  ByteArrayDictionary<CollidingHash> d;
  for (uint32_t i = 0; i < 1500; ++i) EXPECT_EQ(d.GetOrInsert("k" + std::to_string(i)), i);
  for (uint32_t i = 0; i < 1500; ++i) EXPECT_EQ(d.GetOrInsert("k" + std::to_string(i)), i) << i;
  EXPECT_EQ(d.GetOrInsert("absent"), 1500u);
  EXPECT_EQ(d.Get(1499), "k1499");
}

TEST(ByteArrayDictionaryTest, ComparesBytesWhenTagsMatch) {
  // Same length means same slot and same tag: only the byte comparison tells them apart.
  ByteArrayDictionary<SameSlotHash> d;
  EXPECT_EQ(d.GetOrInsert("abc"), 0u);
  EXPECT_EQ(d.GetOrInsert("abd"), 1u);
  EXPECT_EQ(d.GetOrInsert("xy"), 2u);
  EXPECT_EQ(d.GetOrInsert("abd"), 1u);
  EXPECT_EQ(d.GetOrInsert("abc"), 0u);
}

TEST(ByteArrayDictionaryTest, MatchesAMapOnManyValues) {
  ByteArrayDictionary<> d;
  std::map<std::string, uint32_t> expected;
  std::mt19937_64 rng(2);
  for (int i = 0; i < 200'000; ++i) {
    // Lengths 0..40 cover the 8-byte loop and every tail length of the hash.
    std::string v(rng() % 41, 'x');
    for (char& ch : v) ch = static_cast<char>('a' + rng() % 3);
    auto [it, inserted] = expected.emplace(v, static_cast<uint32_t>(expected.size()));
    ASSERT_EQ(d.GetOrInsert(v), it->second) << v;
  }
  EXPECT_EQ(d.size(), expected.size());
  for (const auto& [v, index] : expected) EXPECT_EQ(d.Get(index), v);
  size_t plain = 0;
  for (const auto& [v, index] : expected) plain += 4 + v.size();
  EXPECT_EQ(d.plain_bytes(), plain);
}

TEST(HashBytesTest, DependsOnEveryByteAndTheLength) {
  EXPECT_NE(HashBytes(""), HashBytes(std::string_view("\0", 1)));
  EXPECT_NE(HashBytes("abcdefgh"), HashBytes(std::string_view("abcdefgh\0", 9)));
  const std::string base(23, 'q');
  for (size_t i = 0; i < base.size(); ++i) {
    std::string changed = base;
    changed[i] = 'r';
    EXPECT_NE(HashBytes(base), HashBytes(changed)) << i;
  }
  EXPECT_EQ(HashBytes("same"), HashBytes(std::string("same")));
}

}  // namespace
}  // namespace stedi::parquet
