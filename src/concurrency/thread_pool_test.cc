#include "concurrency/thread_pool.h"

#include <gtest/gtest.h>

#include <atomic>

namespace stedi {
namespace {

TEST(ParallelForTest, RunsEveryIndexOnce) {
  std::vector<std::atomic<int>> hits(1000);
  ASSERT_TRUE(ParallelFor(hits.size(), 4, [&](size_t i) {
                hits[i]++;
                return Status::OK();
              }).ok());
  for (auto& h : hits) EXPECT_EQ(h.load(), 1);
}

TEST(ParallelForTest, ReturnsLowestFailure) {
  Status s = ParallelFor(100, 1, [](size_t i) {
    return i >= 7 ? Status::Invalid("bad " + std::to_string(i)) : Status::OK();
  });
  EXPECT_EQ(s.message(), "bad 7");
  EXPECT_TRUE(ParallelFor(0, 4, [](size_t) { return Status::Internal("never"); }).ok());
}

}  // namespace
}  // namespace stedi
