#pragma once

#include <array>
#include <string>
#include <string_view>

namespace stedi {

/// The SHA-256 digests of two byte strings (64 lower-case hex digits each), as Sha256 gives
/// them. With the CPU's SHA extensions both are hashed at once: the rounds of one message are a
/// chain of dependent instructions that leaves the unit idle most cycles, and a second
/// independent chain fills them (about 1.8 times the bytes per second of one stream on this
/// project's benchmark machine). Elsewhere each is hashed in turn.
std::array<std::string, 2> Sha256Pair(std::string_view first, std::string_view second);

/// Whether Sha256Pair hashes both messages at once on this CPU.
bool Sha256PairIsInterleaved();

}  // namespace stedi
