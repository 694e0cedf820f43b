#include "sql/execution/memory_budget.h"

#include <gtest/gtest.h>

#include <thread>
#include <vector>

namespace stedi::sql {
namespace {

TEST(MemoryBudgetTest, ReservationsShareOneLimit) {
  MemoryBudget budget(1000);
  MemoryReservation a(&budget), b(&budget);
  EXPECT_TRUE(a.Resize(600));
  EXPECT_FALSE(b.Resize(500));  // 600 + 500 > 1000: refused, nothing taken
  EXPECT_EQ(b.bytes(), 0u);
  EXPECT_TRUE(b.Resize(400));
  EXPECT_EQ(budget.used(), 1000u);
  EXPECT_TRUE(a.Resize(100));  // shrinking always works
  EXPECT_TRUE(b.Resize(900));
  b.ForceResize(5000);  // state that cannot spill is still counted
  EXPECT_EQ(budget.used(), 5100u);
  EXPECT_EQ(budget.peak(), 1000u);  // forced bytes are not a reservation the budget granted
  a.Reset();
  EXPECT_EQ(budget.used(), 5000u);
}

TEST(MemoryBudgetTest, ReservationsGiveTheirBytesBackWhenDestroyed) {
  MemoryBudget budget(100);
  {
    MemoryReservation r(&budget);
    EXPECT_TRUE(r.Resize(70));
    EXPECT_EQ(budget.used(), 70u);
  }
  EXPECT_EQ(budget.used(), 0u);
  MemoryReservation unlimited(nullptr);  // no budget: every request succeeds
  EXPECT_TRUE(unlimited.Resize(size_t{1} << 40));
}

TEST(MemoryBudgetTest, ConcurrentReservationsNeverPassTheLimit) {
  MemoryBudget budget(10000);
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&budget] {
      MemoryReservation r(&budget);
      for (int i = 0; i < 20000; ++i) {
        (void)r.Resize(static_cast<size_t>((i * 37) % 4000));
      }
    });
  }
  for (std::thread& t : threads) t.join();
  EXPECT_LE(budget.peak(), 10000u);
  EXPECT_EQ(budget.used(), 0u);
}

TEST(MemoryBudgetTest, DefaultIsAShareOfTheMachineWithinBounds) {
  EXPECT_GE(DefaultMemoryLimit(), size_t{64} << 20);
  EXPECT_LE(DefaultMemoryLimit(), size_t{1} << 30);
}

}  // namespace
}  // namespace stedi::sql
