#include "sql/execution/background_prefetch.h"

#include <condition_variable>
#include <deque>
#include <mutex>
#include <thread>

namespace stedi::sql {
namespace {

class BackgroundPrefetch final : public Operator {
 public:
  BackgroundPrefetch(OperatorPtr child, size_t depth)
      : child_(std::move(child)), depth_(depth == 0 ? 1 : depth) {}

  ~BackgroundPrefetch() override {
    {
      std::lock_guard<std::mutex> lock(mutex_);
      stop_ = true;
    }
    space_.notify_all();
    if (worker_.joinable()) worker_.join();
  }

  const std::shared_ptr<const Schema>& schema() const override { return child_->schema(); }
  std::string Describe() const override { return "BackgroundPrefetch -> " + child_->Describe(); }

  Result<std::optional<Batch>> Next() override {
    if (!worker_.joinable() && !finished_) worker_ = std::thread([this] { Produce(); });
    std::unique_lock<std::mutex> lock(mutex_);
    ready_.wait(lock, [this] { return !queue_.empty() || done_; });
    if (queue_.empty()) {
      finished_ = true;
      return std::optional<Batch>();
    }
    Result<std::optional<Batch>> next = std::move(queue_.front());
    queue_.pop_front();
    lock.unlock();
    space_.notify_one();
    return next;
  }

 private:
  void Produce() {
    while (true) {
      Result<std::optional<Batch>> next = child_->Next();
      const bool last = !next.ok() || !next->has_value();
      std::unique_lock<std::mutex> lock(mutex_);
      space_.wait(lock, [this] { return queue_.size() < depth_ || stop_; });
      if (stop_) break;
      // The end of the stream is the empty queue with done_ set, not a queued nullopt.
      if (!(next.ok() && !next->has_value())) queue_.push_back(std::move(next));
      if (last) break;
      lock.unlock();
      ready_.notify_one();
    }
    {
      std::lock_guard<std::mutex> lock(mutex_);
      done_ = true;
    }
    ready_.notify_all();
  }

  OperatorPtr child_;
  const size_t depth_;
  std::thread worker_;
  std::mutex mutex_;
  std::condition_variable ready_;  // the queue got a batch, or the producer is done
  std::condition_variable space_;  // the queue has room, or stop_ was set
  std::deque<Result<std::optional<Batch>>> queue_;
  bool done_ = false;
  bool stop_ = false;
  bool finished_ = false;  // consumer side: end of stream seen
};

}  // namespace

OperatorPtr MakeBackgroundPrefetch(OperatorPtr child, size_t depth) {
  return std::make_unique<BackgroundPrefetch>(std::move(child), depth);
}

}  // namespace stedi::sql
