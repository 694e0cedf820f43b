#pragma once

#include <cstdint>
#include <string_view>

#include "status/result.h"

namespace stedi {

/// Parses a size such as "512MiB", "2GB", "1.5 GiB" or "1048576" into bytes. Units, in any
/// case: B, KB/MB/GB/TB (powers of 1000), KiB/MiB/GiB/TiB (powers of 1024), and K/M/G/T as
/// the binary ones. Invalid names TEXT when it is not a positive size.
Result<uint64_t> ParseByteSize(std::string_view text);

}  // namespace stedi
