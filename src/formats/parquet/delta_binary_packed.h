#pragma once

#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "status/status.h"

namespace stedi::parquet {

/// Parquet's DELTA_BINARY_PACKED encoding of INT32 and INT64 values: the first value, then per
/// block of 128 the smallest difference between neighbours and, per miniblock of 32, each
/// difference above it bit-packed in as few bits as the miniblock needs. Sorted or slowly
/// changing numbers (timestamps: a reading every few hundred milliseconds) take a byte or two
/// per value instead of eight, so the page compressor has a tenth of the bytes to work on.
/// Differences wrap in the type's width, as the format asks, so any values round-trip.

/// Appends VALUES, DELTA_BINARY_PACKED, to OUT.
void EncodeDeltaBinaryPacked(std::span<const int32_t> values, std::string* out);
void EncodeDeltaBinaryPacked(std::span<const int64_t> values, std::string* out);

/// Decodes the first COUNT values of DATA into OUT (replacing its contents). Fails with
/// Corruption (prefixed by CONTEXT) on a malformed header, a bit width wider than the type, or
/// data that ends early; never reads outside DATA.
Status DecodeDeltaBinaryPacked(std::string_view data, size_t count, std::vector<int32_t>* out,
                               const std::string& context);
Status DecodeDeltaBinaryPacked(std::string_view data, size_t count, std::vector<int64_t>* out,
                               const std::string& context);

}  // namespace stedi::parquet
