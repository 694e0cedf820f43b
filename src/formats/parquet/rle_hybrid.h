#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "status/result.h"

namespace stedi::parquet {

/// Returns the number of bits needed to store MAX_VALUE (0 for 0).
int BitWidth(uint64_t max_value);

/// Appends VALUES to OUT in the RLE/bit-packed hybrid encoding with BIT_WIDTH bits per value
/// (no length prefix): runs of 8 or more equal values become RLE runs, the rest bit-packed
/// groups of 8 (the last group zero-padded).
void EncodeRleHybrid(const std::vector<uint32_t>& values, int bit_width, std::string* out);

/// Appends COUNT copies of VALUE, byte for byte as EncodeRleHybrid would, without the vector.
void EncodeRepeatedValue(uint32_t value, size_t count, int bit_width, std::string* out);

/// Decodes COUNT values of BIT_WIDTH (0..32) bits from the hybrid encoding in DATA into OUT
/// (replacing its contents). Fails with Corruption (prefixed by CONTEXT) when DATA holds fewer
/// than COUNT values or a run is malformed; never reads outside DATA.
Status DecodeRleHybrid(std::string_view data, int bit_width, size_t count,
                       std::vector<uint32_t>* out, const std::string& context);

}  // namespace stedi::parquet
