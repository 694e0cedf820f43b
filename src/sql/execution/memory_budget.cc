#include "sql/execution/memory_budget.h"

#include <unistd.h>

#include <algorithm>

namespace stedi::sql {

bool MemoryBudget::TryReserve(size_t bytes) {
  size_t used = used_.load(std::memory_order_relaxed);
  do {
    if (bytes > limit_ || used > limit_ - bytes) return false;
  } while (!used_.compare_exchange_weak(used, used + bytes, std::memory_order_relaxed));
  size_t peak = peak_.load(std::memory_order_relaxed);
  while (used + bytes > peak &&
         !peak_.compare_exchange_weak(peak, used + bytes, std::memory_order_relaxed)) {
  }
  return true;
}

bool MemoryReservation::Resize(size_t total) {
  if (budget_ == nullptr || total <= bytes_) {
    ForceResize(total);
    return true;
  }
  if (!budget_->TryReserve(total - bytes_)) return false;
  bytes_ = total;
  return true;
}

void MemoryReservation::ForceResize(size_t total) {
  if (budget_ != nullptr) {
    if (total > bytes_) budget_->ForceReserve(total - bytes_);
    if (total < bytes_) budget_->Release(bytes_ - total);
  }
  bytes_ = total;
}

size_t DefaultMemoryLimit() {
  const long pages = ::sysconf(_SC_PHYS_PAGES);
  const long page_size = ::sysconf(_SC_PAGE_SIZE);
  size_t physical = pages > 0 && page_size > 0
                        ? static_cast<size_t>(pages) * static_cast<size_t>(page_size)
                        : size_t{4} << 30;
  return std::clamp<size_t>(physical / 4, size_t{64} << 20, size_t{1} << 30);
}

}  // namespace stedi::sql
