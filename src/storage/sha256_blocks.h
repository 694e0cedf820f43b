#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

namespace stedi {

/// SHA-256's state between 64-byte blocks (FIPS 180-4's H(i)), kept in the register order of
/// the CPU's SHA extensions ({a, b, e, f}, {c, d, g, h}) so that no block pays a shuffle.
struct Sha256Lane {
  alignas(16) uint32_t words[8];
};

/// Whether this CPU has the SHA extensions (x86-64 SHA-NI with SSSE3 and SSE4.1). Everything
/// below requires it; elsewhere callers use OpenSSL (checksum.h decides).
bool CpuHasSha256Extensions();

/// The state before the first block (FIPS 180-4 section 5.3.3).
Sha256Lane Sha256InitialLane();

/// Runs BLOCKS 64-byte blocks of each of LANE_COUNT (1 or 2) messages, DATA[l] for LANES[l],
/// through the compression function. Two lanes run their rounds interleaved: one message's
/// rounds are a chain of dependent instructions that leaves the unit idle most cycles, and a
/// second independent chain fills them.
void Sha256CompressBlocks(Sha256Lane* lanes, const uint8_t* const* data, size_t blocks,
                          int lane_count);

/// Pads and compresses the last bytes of a message of TOTAL_BYTES (TAIL: the bytes after its
/// last whole block, fewer than 64) and returns the digest as 64 lower-case hex digits.
std::string Sha256FinishLane(Sha256Lane lane, std::string_view tail, uint64_t total_bytes);

}  // namespace stedi
