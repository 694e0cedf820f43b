#pragma once

#include <atomic>
#include <cstddef>

namespace stedi::sql {

/// The bytes that the operators of a process may hold in hash tables and sort buffers, shared
/// by all of them: an operator reserves before its state grows and spills to disk when the
/// reservation is refused. Thread-safe. Input batches, Parquet pages and the like are not
/// counted; they are bounded by batch and page sizes instead.
class MemoryBudget {
 public:
  explicit MemoryBudget(size_t limit_bytes) : limit_(limit_bytes) {}
  MemoryBudget(const MemoryBudget&) = delete;
  MemoryBudget& operator=(const MemoryBudget&) = delete;

  /// Takes BYTES from the budget when that keeps it within the limit; false otherwise.
  bool TryReserve(size_t bytes);
  /// Takes BYTES even past the limit: for state that cannot spill.
  void ForceReserve(size_t bytes) { used_.fetch_add(bytes, std::memory_order_relaxed); }
  /// Gives back BYTES reserved before.
  void Release(size_t bytes) { used_.fetch_sub(bytes, std::memory_order_relaxed); }

  size_t limit() const { return limit_; }
  size_t used() const { return used_.load(std::memory_order_relaxed); }
  /// The largest total that was ever reserved at once (for tests and reports).
  size_t peak() const { return peak_.load(std::memory_order_relaxed); }

 private:
  const size_t limit_;
  std::atomic<size_t> used_{0};
  std::atomic<size_t> peak_{0};
};

/// One operator's share of a MemoryBudget, given back when it is destroyed. Without a budget
/// (null) every request succeeds.
class MemoryReservation {
 public:
  explicit MemoryReservation(MemoryBudget* budget) : budget_(budget) {}
  ~MemoryReservation() { Reset(); }
  MemoryReservation(const MemoryReservation&) = delete;
  MemoryReservation& operator=(const MemoryReservation&) = delete;

  /// Makes the share TOTAL bytes; false (the share unchanged) when growing to it would pass the
  /// budget's limit. Shrinking always succeeds.
  bool Resize(size_t total);
  /// Makes the share TOTAL bytes whatever the limit says.
  void ForceResize(size_t total);
  /// Gives the whole share back.
  void Reset() { ForceResize(0); }
  size_t bytes() const { return bytes_; }

 private:
  MemoryBudget* budget_;
  size_t bytes_ = 0;
};

/// The default budget: a quarter of the machine's physical memory, at most 1 GiB, at least
/// 64 MiB. (Bigger budgets spill less; `--memory-limit` sets another.)
size_t DefaultMemoryLimit();

}  // namespace stedi::sql
