#include "storage/checksum.h"

#include <gtest/gtest.h>
#include <openssl/evp.h>

#include <random>
#include <string>

namespace stedi {
namespace {

// OpenSSL's one-shot digest: the independent reference.
std::string Reference(std::string_view message) {
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int size = 0;
  EVP_Digest(message.data(), message.size(), digest, &size, EVP_sha256(), nullptr);
  return DigestHex(digest, size);
}

TEST(Sha256Test, MatchesFipsExamples) {
  Sha256 hash;
  hash.Update("abc");
  EXPECT_EQ(hash.Finish(), "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
  // Finish starts over: the empty message next.
  EXPECT_EQ(hash.Finish(), "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
}

TEST(Sha256Test, AnySplitIntoUpdatesAgreesWithOpenSsl) {
  // Messages around the block and padding edges, fed in random pieces (empty ones included),
  // so partial blocks are carried between updates in every position.
  std::mt19937 rng(11);
  std::string bytes(5100, '\0');  // every message below, from offsets 0-19, lies inside
  for (char& c : bytes) c = static_cast<char>(rng());
  Sha256 hash;
  for (size_t size : {0, 1, 55, 56, 63, 64, 65, 119, 120, 127, 128, 129, 1000, 4999}) {
    for (int trial = 0; trial < 20; ++trial) {
      const std::string_view message(bytes.data() + trial, size);
      size_t at = 0;
      while (at < size) {
        const size_t piece = std::min<size_t>(size - at, rng() % 150);
        hash.Update(message.substr(at, piece));
        at += piece;
      }
      ASSERT_EQ(hash.Finish(), Reference(message)) << "size " << size << " trial " << trial;
    }
  }
}

TEST(Sha256Test, LargeMessageInUnevenChunksAgreesWithOpenSsl) {
  std::mt19937 rng(3);
  std::string message((3 << 20) + 13, '\0');
  for (char& c : message) c = static_cast<char>(rng());
  Sha256 hash;
  for (size_t at = 0; at < message.size(); at += 1'000'003) {
    hash.Update(std::string_view(message).substr(at, 1'000'003));
  }
  EXPECT_EQ(hash.Finish(), Reference(message));
}

}  // namespace
}  // namespace stedi
