#include "concurrency/thread_pool.h"

#include <algorithm>
#include <atomic>
#include <deque>

namespace stedi {
namespace {

// One ParallelFor call in flight: the caller works on it and offers slots to idle helpers.
struct Job {
  std::function<void(size_t worker)> run;  // works until no index is left
  size_t slots = 0;                        // helper slots not yet taken
  size_t active = 0;                       // helpers working on it now
  size_t next_worker = 1;                  // worker id of the next helper (0 is the caller)
  std::condition_variable done;            // signalled when a helper finishes
};

// Helper threads that live for the whole process: starting and joining threads for every
// ParallelFor cost more than the work of a small query. The caller always works too and never
// waits for a slot nobody has taken, so nested calls cannot deadlock when every helper is busy.
class HelperPool {
 public:
  static HelperPool& Get() {
    // Never destroyed: helpers may still be parked on the condition variable at exit.
    static HelperPool* pool = new HelperPool();
    return *pool;
  }

  void Run(size_t helpers, const std::function<void(size_t)>& work) {
    Job job;
    job.run = work;
    job.slots = helpers;
    {
      std::lock_guard<std::mutex> lock(mutex_);
      while (threads_ < std::min(helpers, kMaxHelpers)) {
        std::thread(&HelperPool::Loop, this).detach();
        ++threads_;
      }
      queue_.push_back(&job);
    }
    wake_.notify_all();
    work(0);
    std::unique_lock<std::mutex> lock(mutex_);
    // Slots nobody took are withdrawn; then wait for the helpers that did take one.
    if (job.slots > 0) {
      job.slots = 0;
      queue_.erase(std::find(queue_.begin(), queue_.end(), &job));
    }
    job.done.wait(lock, [&] { return job.active == 0; });
  }

 private:
  static constexpr size_t kMaxHelpers = 256;

  void Loop() {
    std::unique_lock<std::mutex> lock(mutex_);
    while (true) {
      wake_.wait(lock, [&] { return !queue_.empty(); });
      Job* job = queue_.front();
      size_t worker = job->next_worker++;
      ++job->active;
      if (--job->slots == 0) queue_.pop_front();
      lock.unlock();
      job->run(worker);
      lock.lock();
      if (--job->active == 0) job->done.notify_all();
    }
  }

  std::mutex mutex_;
  std::condition_variable wake_;
  std::deque<Job*> queue_;
  size_t threads_ = 0;
};

}  // namespace

size_t DefaultParallelism() {
  // hardware_concurrency() reads /sys on every call; the answer does not change.
  static const size_t cores = std::max<size_t>(1, std::thread::hardware_concurrency());
  return cores;
}

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
  auto work = [&](size_t worker) {
    while (!failed.load(std::memory_order_relaxed)) {
      size_t i = next.fetch_add(1);
      if (i >= count) return;
      results[i] = task(i, worker);
      if (!results[i].ok()) failed.store(true);
    }
  };
  if (threads == 1) {
    work(0);
  } else {
    HelperPool::Get().Run(threads - 1, work);
  }
  for (Status& s : results) {
    if (!s.ok()) return s;
  }
  return Status::OK();
}

}  // namespace stedi
