#include "storage/sha256_pair.h"

#include <algorithm>
#include <cstdint>

#include "storage/checksum.h"
#include "storage/sha256_blocks.h"

namespace stedi {

namespace {

std::array<std::string, 2> InterleavedPair(std::string_view first, std::string_view second) {
  const std::string_view messages[2] = {first, second};
  Sha256Lane lanes[2] = {Sha256InitialLane(), Sha256InitialLane()};
  const size_t full[2] = {first.size() / 64, second.size() / 64};
  const size_t together = std::min(full[0], full[1]);
  const uint8_t* starts[2] = {reinterpret_cast<const uint8_t*>(first.data()),
                              reinterpret_cast<const uint8_t*>(second.data())};
  Sha256CompressBlocks(lanes, starts, together, 2);
  std::array<std::string, 2> out;
  for (int l = 0; l < 2; ++l) {
    // The longer message's remaining blocks, then its padded tail, one lane alone.
    const uint8_t* rest = starts[l] + together * 64;
    Sha256CompressBlocks(&lanes[l], &rest, full[l] - together, 1);
    out[l] = Sha256FinishLane(lanes[l], messages[l].substr(full[l] * 64), messages[l].size());
  }
  return out;
}

std::string OneAtATime(std::string_view message) {
  Sha256 hash;
  hash.Update(message);
  return hash.Finish();
}

}  // namespace

bool Sha256PairIsInterleaved() { return CpuHasSha256Extensions(); }

std::array<std::string, 2> Sha256Pair(std::string_view first, std::string_view second) {
  if (Sha256PairIsInterleaved()) return InterleavedPair(first, second);
  return {OneAtATime(first), OneAtATime(second)};
}

}  // namespace stedi
