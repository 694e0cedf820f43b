#pragma once

#include <cstdint>
#include <string>

namespace stedi {

/// 64 random bits from one generator per process, seeded once from the system's entropy
/// source (opening it for every id costs more than a small commit). Thread-safe. For names
/// and ids that must not collide between writers, not for secrets.
uint64_t RandomBits();

/// A random (version 4) UUID, e.g. "9c12d441-03fe-4693-9a96-a0705ddf69c1".
std::string RandomUuid();

}  // namespace stedi
