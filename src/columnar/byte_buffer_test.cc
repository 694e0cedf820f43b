#include "columnar/byte_buffer.h"

#include <gtest/gtest.h>

#include <random>
#include <string>
#include <vector>

namespace stedi {
namespace {

std::vector<uint8_t> Bytes(const ByteBuffer& b) { return std::vector<uint8_t>(b.begin(), b.end()); }

TEST(ByteBufferTest, RandomOperationsAgreeWithAVector) {
  // std::vector<uint8_t> as the reference; resize(n) without a value leaves new bytes
  // unspecified, so every such resize is followed by writing them, as its callers do.
  std::mt19937 rng(5);
  ByteBuffer buffer;
  std::vector<uint8_t> reference;
  for (int step = 0; step < 20000; ++step) {
    const int op = static_cast<int>(rng() % 8);
    const size_t n = rng() % 300;
    const auto value = static_cast<uint8_t>(rng());
    switch (op) {
      case 0: {  // grow uninitialised, then fill
        const size_t old = buffer.size();
        buffer.resize(old + n);
        reference.resize(old + n);
        for (size_t i = old; i < old + n; ++i) buffer[i] = reference[i] = static_cast<uint8_t>(i);
        break;
      }
      case 1:
        buffer.resize(buffer.size() + n, value);
        reference.resize(reference.size() + n, value);
        break;
      case 2: {
        std::string piece(n, static_cast<char>(value));
        buffer.insert(buffer.end(), piece.begin(), piece.end());
        reference.insert(reference.end(), piece.begin(), piece.end());
        break;
      }
      case 3:
        buffer.push_back(value);
        reference.push_back(value);
        break;
      case 4:  // shrink
        buffer.resize(buffer.size() / 2);
        reference.resize(reference.size() / 2);
        break;
      case 5: {
        ByteBuffer copy(buffer);
        buffer = ByteBuffer();
        buffer = copy;  // copy assignment
        ByteBuffer moved(std::move(copy));
        ASSERT_EQ(moved, buffer);
        break;
      }
      case 6:
        if (rng() % 20 == 0) {
          buffer.assign(n, value);
          reference.assign(n, value);
        }
        break;
      case 7:
        buffer.reserve(buffer.size() + n);
        ASSERT_GE(buffer.capacity(), buffer.size() + n);
        break;
    }
    ASSERT_EQ(buffer.size(), reference.size()) << "step " << step;
    ASSERT_EQ(buffer.empty(), reference.empty());
    ASSERT_EQ(Bytes(buffer), reference) << "step " << step;
  }
  EXPECT_EQ(Bytes(buffer), reference);
  buffer.clear();
  EXPECT_TRUE(buffer.empty());
}

TEST(ByteBufferTest, EqualityComparesContentOnly) {
  ByteBuffer a, b;
  EXPECT_EQ(a, b);
  a.Append("abc", 3);
  b.reserve(1000);
  EXPECT_NE(a, b);
  b.Append("abc", 3);
  EXPECT_EQ(a, b);
  b[2] = 'd';
  EXPECT_NE(a, b);
}

}  // namespace
}  // namespace stedi
