#include "storage/sha256_pair.h"

#include <gtest/gtest.h>
#include <openssl/evp.h>

#include <random>
#include <string>

#include "storage/checksum.h"

namespace stedi {
namespace {

// OpenSSL's digest, one message at a time: the independent reference.
std::string Reference(std::string_view message) {
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int size = 0;
  EVP_Digest(message.data(), message.size(), digest, &size, EVP_sha256(), nullptr);
  return DigestHex(digest, size);
}

std::string RandomBytes(size_t n, uint32_t seed) {
  std::mt19937 rng(seed);
  std::string s(n, '\0');
  for (char& c : s) c = static_cast<char>(rng());
  return s;
}

TEST(Sha256PairTest, MatchesFipsExamples) {
  // FIPS 180-4 examples (one block; two blocks after padding).
  const auto digests =
      Sha256Pair("abc", "abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq");
  EXPECT_EQ(digests[0], "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
  EXPECT_EQ(digests[1], "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1");
  EXPECT_EQ(Sha256Pair("", "")[0],
            "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
}

TEST(Sha256PairTest, EveryPaddingCaseAgreesWithOpenSsl) {
  // Lengths around the block and padding edges (55/56 bytes decide one tail block or two),
  // paired with every other length so lanes of unequal block counts are covered.
  const std::string bytes = RandomBytes(300, 7);
  for (size_t a = 0; a <= 200; ++a) {
    for (size_t b : {size_t{0}, size_t{1}, size_t{55}, size_t{56}, size_t{64}, size_t{119},
                     size_t{120}, size_t{128}, size_t{255}, a}) {
      const std::string_view first(bytes.data(), a);
      const std::string_view second(bytes.data() + 37, b);
      const auto digests = Sha256Pair(first, second);
      ASSERT_EQ(digests[0], Reference(first)) << "lengths " << a << " and " << b;
      ASSERT_EQ(digests[1], Reference(second)) << "lengths " << a << " and " << b;
    }
  }
}

TEST(Sha256PairTest, LargeMessagesOfDifferentLengthsAgreeWithOpenSsl) {
  const std::string first = RandomBytes(3 << 20, 1);
  const std::string second = RandomBytes((1 << 20) + 77, 2);
  const auto digests = Sha256Pair(first, second);
  EXPECT_EQ(digests[0], Reference(first));
  EXPECT_EQ(digests[1], Reference(second));
  // The same message in both lanes, and the order swapped.
  EXPECT_EQ(Sha256Pair(second, second)[1], Reference(second));
  EXPECT_EQ(Sha256Pair(second, first)[1], Reference(first));
}

}  // namespace
}  // namespace stedi
