#include "storage/aligned_buffer_pool.h"

#include <gtest/gtest.h>

#include <cstdint>
#include <set>

namespace stedi {
namespace {

// Buffers come back for reuse once their last holder lets go: a buffer is never handed out
// while held, is at least as large as asked and aligned for uncached writes, the pool keeps no
// more idle bytes than its limit, and a buffer may outlive its pool.
TEST(AlignedBufferPoolTest, ReusesReleasedBuffersWithinItsIdleLimit) {
  constexpr size_t kMiB = size_t{1} << 20;
  AlignedBufferPool pool(2 * kMiB);
  auto a = pool.Take(100);
  auto b = pool.Take(kMiB + 1);
  ASSERT_GE(a->size(), 100u);
  ASSERT_GE(b->size(), kMiB + 1);
  EXPECT_NE(a->data(), b->data());
  EXPECT_EQ(reinterpret_cast<uintptr_t>(a->data()) % kUncachedWriteAlignment, 0u);
  const char* a_data = a->data();
  auto a_copy = a;  // a second holder: not back until both let go
  a.reset();
  EXPECT_EQ(pool.idle_bytes(), 0u);
  a_copy.reset();
  EXPECT_EQ(pool.idle_bytes(), kMiB);
  auto c = pool.Take(200);
  EXPECT_EQ(c->data(), a_data);  // the released buffer, not a new one
  EXPECT_EQ(pool.idle_bytes(), 0u);
  // Too large for what is left of the limit: freed, not kept.
  c.reset();
  b.reset();
  EXPECT_EQ(pool.idle_bytes(), kMiB);
  // A request larger than every idle buffer gets a new one; the idle one stays.
  auto d = pool.Take(3 * kMiB);
  EXPECT_GE(d->size(), 3 * kMiB);
  EXPECT_EQ(pool.idle_bytes(), kMiB);
  {
    AlignedBufferPool short_lived(kMiB);
    d = short_lived.Take(10);
  }
  d->data()[0] = 'x';  // still valid after its pool is gone
  d.reset();
}

}  // namespace
}  // namespace stedi
