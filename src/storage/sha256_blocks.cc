#include "storage/sha256_blocks.h"

#include <cstdlib>
#include <cstring>
#include <utility>

#include "storage/checksum.h"

#if defined(__x86_64__) && (defined(__GNUC__) || defined(__clang__))
#include <cpuid.h>
#include <immintrin.h>
#define STEDI_SHA_EXTENSIONS 1
#endif

namespace stedi {

#if defined(STEDI_SHA_EXTENSIONS)

namespace {

// FIPS 180-4 section 4.2.2: the round constants.
alignas(16) constexpr uint32_t kRoundConstants[64] = {
    0x428a2f98, 0x71374491, 0xb5c0fbcf, 0xe9b5dba5, 0x3956c25b, 0x59f111f1, 0x923f82a4, 0xab1c5ed5,
    0xd807aa98, 0x12835b01, 0x243185be, 0x550c7dc3, 0x72be5d74, 0x80deb1fe, 0x9bdc06a7, 0xc19bf174,
    0xe49b69c1, 0xefbe4786, 0x0fc19dc6, 0x240ca1cc, 0x2de92c6f, 0x4a7484aa, 0x5cb0a9dc, 0x76f988da,
    0x983e5152, 0xa831c66d, 0xb00327c8, 0xbf597fc7, 0xc6e00bf3, 0xd5a79147, 0x06ca6351, 0x14292967,
    0x27b70a85, 0x2e1b2138, 0x4d2c6dfc, 0x53380d13, 0x650a7354, 0x766a0abb, 0x81c2c92e, 0x92722c85,
    0xa2bfe8a1, 0xa81a664b, 0xc24b8b70, 0xc76c51a3, 0xd192e819, 0xd6990624, 0xf40e3585, 0x106aa070,
    0x19a4c116, 0x1e376c08, 0x2748774c, 0x34b0bcb5, 0x391c0cb3, 0x4ed8aa4a, 0x5b9cca4f, 0x682e6ff3,
    0x748f82ee, 0x78a5636f, 0x84c87814, 0x8cc70208, 0x90befffa, 0xa4506ceb, 0xbef9a3f7, 0xc67178f2};

// FIPS 180-4 section 5.3.3: the initial hash value H(0) = a..h.
alignas(16) constexpr uint32_t kInitialHash[8] = {0x6a09e667, 0xbb67ae85, 0x3c6ef372, 0xa54ff53a,
                                                  0x510e527f, 0x9b05688c, 0x1f83d9ab, 0x5be0cd19};

#define STEDI_SHA_TARGET __attribute__((target("sha,sse4.1,ssse3")))

// One message's working state as the SHA instructions hold it: {a, b, e, f} and {c, d, g, h}.
struct Lane {
  __m128i abef;
  __m128i cdgh;
};

STEDI_SHA_TARGET Lane Load(const Sha256Lane& lane) {
  return Lane{_mm_load_si128(reinterpret_cast<const __m128i*>(lane.words)),
              _mm_load_si128(reinterpret_cast<const __m128i*>(lane.words + 4))};
}

STEDI_SHA_TARGET void Store(const Lane& lane, Sha256Lane* out) {
  _mm_store_si128(reinterpret_cast<__m128i*>(out->words), lane.abef);
  _mm_store_si128(reinterpret_cast<__m128i*>(out->words + 4), lane.cdgh);
}

STEDI_SHA_TARGET Lane InitialLane() {
  const __m128i abcd = _mm_load_si128(reinterpret_cast<const __m128i*>(kInitialHash));
  const __m128i efgh = _mm_load_si128(reinterpret_cast<const __m128i*>(kInitialHash + 4));
  const __m128i badc = _mm_shuffle_epi32(abcd, 0xB1);
  const __m128i hgfe = _mm_shuffle_epi32(efgh, 0x1B);
  return Lane{_mm_alignr_epi8(badc, hgfe, 8), _mm_blend_epi16(hgfe, badc, 0xF0)};
}

// The digest's bytes: a..h, each big-endian.
STEDI_SHA_TARGET void LaneDigest(const Lane& lane, uint8_t (&digest)[32]) {
  const __m128i feba = _mm_shuffle_epi32(lane.abef, 0x1B);
  const __m128i dchg = _mm_shuffle_epi32(lane.cdgh, 0xB1);
  uint32_t words[8];
  _mm_storeu_si128(reinterpret_cast<__m128i*>(words), _mm_blend_epi16(feba, dchg, 0xF0));
  _mm_storeu_si128(reinterpret_cast<__m128i*>(words + 4), _mm_alignr_epi8(dchg, feba, 8));
  for (int i = 0; i < 8; ++i) {
    digest[4 * i] = static_cast<uint8_t>(words[i] >> 24);
    digest[4 * i + 1] = static_cast<uint8_t>(words[i] >> 16);
    digest[4 * i + 2] = static_cast<uint8_t>(words[i] >> 8);
    digest[4 * i + 3] = static_cast<uint8_t>(words[i]);
  }
}

// Four rounds of one lane: group G (0..15) of the 64, with W holding the last 16 words of its
// message schedule. Always inlined with G a constant, so W stays in registers.
template <size_t kGroup>
STEDI_SHA_TARGET __attribute__((always_inline)) inline void FourRounds(Lane& lane,
                                                                       __m128i (&w)[4]) {
  if constexpr (kGroup >= 4) {
    // W[t] = s1(W[t-2]) + W[t-7] + s0(W[t-15]) + W[t-16], four at a time.
    const __m128i t7 = _mm_alignr_epi8(w[(kGroup + 3) & 3], w[(kGroup + 2) & 3], 4);
    const __m128i partial =
        _mm_add_epi32(_mm_sha256msg1_epu32(w[kGroup & 3], w[(kGroup + 1) & 3]), t7);
    w[kGroup & 3] = _mm_sha256msg2_epu32(partial, w[(kGroup + 3) & 3]);
  }
  const __m128i schedule =
      _mm_add_epi32(w[kGroup & 3],
                    _mm_load_si128(reinterpret_cast<const __m128i*>(kRoundConstants + 4 * kGroup)));
  lane.cdgh = _mm_sha256rnds2_epu32(lane.cdgh, lane.abef, schedule);
  lane.abef = _mm_sha256rnds2_epu32(lane.abef, lane.cdgh, _mm_shuffle_epi32(schedule, 0x0E));
}

STEDI_SHA_TARGET __attribute__((always_inline)) inline void LoadBlock(const uint8_t* in,
                                                                      __m128i (&w)[4]) {
  // Each 32-bit word big-endian.
  const __m128i byte_swap = _mm_set_epi64x(0x0c0d0e0f08090a0bULL, 0x0405060700010203ULL);
  const auto* words = reinterpret_cast<const __m128i*>(in);
  w[0] = _mm_shuffle_epi8(_mm_loadu_si128(words), byte_swap);
  w[1] = _mm_shuffle_epi8(_mm_loadu_si128(words + 1), byte_swap);
  w[2] = _mm_shuffle_epi8(_mm_loadu_si128(words + 2), byte_swap);
  w[3] = _mm_shuffle_epi8(_mm_loadu_si128(words + 3), byte_swap);
}

template <int kLanes, size_t kGroup>
STEDI_SHA_TARGET __attribute__((always_inline)) inline void LanesFourRounds(
    Lane* state, __m128i (&w)[kLanes][4]) {
  FourRounds<kGroup>(state[0], w[0]);
  if constexpr (kLanes > 1) FourRounds<kGroup>(state[1], w[1]);
}

// The 64 rounds of one block for each lane, the lanes' instructions interleaved group by group
// so that their dependency chains overlap.
template <int kLanes, size_t... kGroups>
STEDI_SHA_TARGET __attribute__((always_inline)) inline void AllRounds(
    Lane* state, __m128i (&w)[kLanes][4], std::index_sequence<kGroups...>) {
  (LanesFourRounds<kLanes, kGroups>(state, w), ...);
}

// Runs BLOCKS 64-byte blocks of each of KLANES (1 or 2) messages through the compression
// function (FIPS 180-4 section 6.2.2).
template <int kLanes>
STEDI_SHA_TARGET void CompressBlocks(Lane* lanes, const uint8_t* const* data, size_t blocks) {
  static_assert(kLanes == 1 || kLanes == 2);
  Lane state[kLanes];
  const uint8_t* in[kLanes];
  for (int l = 0; l < kLanes; ++l) {
    state[l] = lanes[l];
    in[l] = data[l];
  }
  for (size_t b = 0; b < blocks; ++b) {
    Lane saved[kLanes];
    __m128i w[kLanes][4];
#pragma GCC unroll 2
    for (int l = 0; l < kLanes; ++l) {
      saved[l] = state[l];
      LoadBlock(in[l], w[l]);
      in[l] += 64;
    }
    AllRounds<kLanes>(state, w, std::make_index_sequence<16>());
#pragma GCC unroll 2
    for (int l = 0; l < kLanes; ++l) {
      state[l].abef = _mm_add_epi32(state[l].abef, saved[l].abef);
      state[l].cdgh = _mm_add_epi32(state[l].cdgh, saved[l].cdgh);
    }
  }
  for (int l = 0; l < kLanes; ++l) lanes[l] = state[l];
}

// The padded last block or two of a message of TOTAL bytes ending in TAIL, its bytes after the
// last whole block (FIPS 180-4 section 5.1.1); returns how many.
size_t PaddedTail(std::string_view tail, uint64_t total, uint8_t (&padded)[128]) {
  std::memset(padded, 0, sizeof(padded));
  if (!tail.empty()) std::memcpy(padded, tail.data(), tail.size());
  padded[tail.size()] = 0x80;
  const size_t blocks = tail.size() + 9 <= 64 ? 1 : 2;
  const uint64_t bits = total * 8;
  for (int i = 0; i < 8; ++i) padded[blocks * 64 - 1 - i] = static_cast<uint8_t>(bits >> (8 * i));
  return blocks;
}

}  // namespace

bool CpuHasSha256Extensions() {
  static const bool has = [] {
    unsigned eax, ebx, ecx, edx;
    if (!__get_cpuid(1, &eax, &ebx, &ecx, &edx)) return false;
    const bool ssse3 = (ecx & bit_SSSE3) != 0;
    const bool sse41 = (ecx & bit_SSE4_1) != 0;
    if (!__get_cpuid_count(7, 0, &eax, &ebx, &ecx, &edx)) return false;
    return ssse3 && sse41 && (ebx & bit_SHA) != 0;
  }();
  return has;
}

STEDI_SHA_TARGET Sha256Lane Sha256InitialLane() {
  Sha256Lane out;
  Store(InitialLane(), &out);
  return out;
}

STEDI_SHA_TARGET void Sha256CompressBlocks(Sha256Lane* lanes, const uint8_t* const* data,
                                           size_t blocks, int lane_count) {
  if (lane_count == 2) {
    Lane state[2] = {Load(lanes[0]), Load(lanes[1])};
    CompressBlocks<2>(state, data, blocks);
    Store(state[0], &lanes[0]);
    Store(state[1], &lanes[1]);
  } else {
    Lane state = Load(lanes[0]);
    CompressBlocks<1>(&state, data, blocks);
    Store(state, &lanes[0]);
  }
}

STEDI_SHA_TARGET std::string Sha256FinishLane(Sha256Lane lane, std::string_view tail,
                                              uint64_t total_bytes) {
  uint8_t padded[128];
  const uint8_t* start = padded;
  const size_t blocks = PaddedTail(tail, total_bytes, padded);
  Sha256CompressBlocks(&lane, &start, blocks, 1);
  uint8_t digest[32];
  LaneDigest(Load(lane), digest);
  return DigestHex(digest, sizeof(digest));
}

#else  // no SHA extensions to use: callers check CpuHasSha256Extensions() first

bool CpuHasSha256Extensions() { return false; }
Sha256Lane Sha256InitialLane() { std::abort(); }
void Sha256CompressBlocks(Sha256Lane*, const uint8_t* const*, size_t, int) { std::abort(); }
std::string Sha256FinishLane(Sha256Lane, std::string_view, uint64_t) { std::abort(); }

#endif  // STEDI_SHA_EXTENSIONS

}  // namespace stedi
