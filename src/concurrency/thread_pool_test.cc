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

TEST(ParallelForTest, WorkerIndexesAreDistinctPerThread) {
  constexpr size_t kWorkers = 3;
  std::vector<int> per_worker(kWorkers, 0);  // each slot written by one thread only
  ASSERT_TRUE(ParallelForWorkers(300, kWorkers, [&](size_t, size_t worker) {
                if (worker >= kWorkers) return Status::Internal("worker out of range");
                per_worker[worker]++;
                return Status::OK();
              }).ok());
  EXPECT_EQ(per_worker[0] + per_worker[1] + per_worker[2], 300);
}

}  // namespace
}  // namespace stedi

namespace stedi {
namespace {

TEST(ParallelForTest, NestedCallsFinishEvenWhenEveryHelperIsBusy) {
  std::atomic<int> total{0};
  ASSERT_TRUE(ParallelFor(8, 8, [&](size_t) {
                return ParallelFor(50, 4, [&](size_t) {
                  total++;
                  return Status::OK();
                });
              }).ok());
  EXPECT_EQ(total.load(), 8 * 50);
}

TEST(ParallelForTest, ManyCallsReuseHelpersAndKeepWorkerIdsInRange) {
  for (int round = 0; round < 200; ++round) {
    std::vector<std::atomic<int>> per_worker(3);
    ASSERT_TRUE(ParallelForWorkers(30, 3, [&](size_t, size_t worker) {
                  if (worker >= 3) return Status::Internal("worker out of range");
                  per_worker[worker]++;
                  return Status::OK();
                }).ok());
    EXPECT_EQ(per_worker[0] + per_worker[1] + per_worker[2], 30);
  }
}

}  // namespace
}  // namespace stedi
