#pragma once

#include <cstdint>

namespace stedi {

/// Advances STATE by the SplitMix64 step and returns the next output. Used to expand one seed
/// into independent generator states.
uint64_t SplitMix64(uint64_t& state);

/// Returns a bijective scramble of X (the SplitMix64 finalizer): distinct inputs give distinct
/// outputs, so it can turn an index into a unique random-looking value.
uint64_t Mix64(uint64_t x);

/// Produces the xoshiro256** sequence. The output is fully specified by the seed on every
/// platform and standard library, unlike std:: distributions, so generated data is reproducible
/// byte for byte.
class PseudoRandom {
 public:
  /// Seeds the four state words from SEED through SplitMix64 (never all zero).
  explicit PseudoRandom(uint64_t seed);

  /// Returns the next 64 random bits.
  uint64_t Next();
  /// Returns a value in [0, N) for N > 0 (multiply-shift; bias below 2^-40 for our N).
  uint64_t Below(uint64_t n);
  /// Returns a value in [LO, HI], both inclusive, for LO <= HI.
  int64_t Between(int64_t lo, int64_t hi);
  /// Returns true with probability PER_MILLION / 1,000,000.
  bool Chance(uint32_t per_million);

 private:
  uint64_t s_[4];
};

}  // namespace stedi
