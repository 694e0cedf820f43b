#include "concurrency/thread_pool.h"

#include <algorithm>
#include <atomic>

namespace stedi {

size_t DefaultParallelism() { return std::max<size_t>(1, std::thread::hardware_concurrency()); }

Status ParallelFor(size_t count, size_t threads, const std::function<Status(size_t)>& task) {
  return ParallelForWorkers(count, threads, [&](size_t i, size_t) { return task(i); });
}

Status ParallelForWorkers(size_t count, size_t threads,
                          const std::function<Status(size_t, size_t)>& task) {
  if (count == 0) return Status::OK();
  threads = std::clamp<size_t>(threads, 1, count);
  std::atomic<size_t> next{0};
  std::atomic<bool> failed{false};
  std::vector<Status> results(count);
  auto worker = [&](size_t id) {
    while (!failed.load(std::memory_order_relaxed)) {
      size_t i = next.fetch_add(1);
      if (i >= count) return;
      results[i] = task(i, id);
      if (!results[i].ok()) failed.store(true);
    }
  };
  std::vector<std::thread> pool;
  pool.reserve(threads - 1);
  for (size_t t = 1; t < threads; ++t) pool.emplace_back(worker, t);
  worker(0);
  for (std::thread& t : pool) t.join();
  for (Status& s : results) {
    if (!s.ok()) return s;
  }
  return Status::OK();
}

}  // namespace stedi
