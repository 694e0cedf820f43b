#pragma once

#include <cstddef>
#include <memory>
#include <mutex>
#include <vector>

#include "storage/aligned_buffer.h"

namespace stedi {

/// Hands out AlignedBuffers and takes them back when their last owner lets go, so that files
/// read one after another land in memory already mapped: a fresh buffer per file costs a page
/// fault and a zeroed page every 4 KiB, more than reading the bytes. Thread-safe; buffers may
/// outlive the pool (they are then freed).
class AlignedBufferPool {
 public:
  /// Keeps at most MAX_IDLE buffers that nobody holds.
  explicit AlignedBufferPool(size_t max_idle) : state_(std::make_shared<State>(max_idle)) {}

  /// A buffer of at least SIZE bytes (contents undefined), back in the pool when released.
  std::shared_ptr<AlignedBuffer> Take(size_t size) {
    std::unique_ptr<AlignedBuffer> buffer = state_->TakeIdle(size);
    if (!buffer) buffer = std::make_unique<AlignedBuffer>(RoundUp(size));
    std::weak_ptr<State> pool = state_;
    return std::shared_ptr<AlignedBuffer>(buffer.release(), [pool](AlignedBuffer* b) {
      std::unique_ptr<AlignedBuffer> owned(b);
      if (auto state = pool.lock()) state->GiveBack(std::move(owned));
    });
  }

 private:
  // Sizes round up to whole MiB so that files of similar size share buffers.
  static size_t RoundUp(size_t size) {
    constexpr size_t kStep = size_t{1} << 20;
    return (size + kStep - 1) / kStep * kStep;
  }

  struct State {
    explicit State(size_t max_idle) : max_idle(max_idle) {}

    std::unique_ptr<AlignedBuffer> TakeIdle(size_t size) {
      std::lock_guard<std::mutex> lock(mutex);
      for (size_t i = 0; i < idle.size(); ++i) {
        if (idle[i]->size() < size) continue;
        std::unique_ptr<AlignedBuffer> buffer = std::move(idle[i]);
        idle[i] = std::move(idle.back());
        idle.pop_back();
        return buffer;
      }
      return nullptr;
    }

    void GiveBack(std::unique_ptr<AlignedBuffer> buffer) {
      std::lock_guard<std::mutex> lock(mutex);
      if (idle.size() < max_idle) idle.push_back(std::move(buffer));
    }

    const size_t max_idle;
    std::mutex mutex;
    std::vector<std::unique_ptr<AlignedBuffer>> idle;
  };

  std::shared_ptr<State> state_;
};

}  // namespace stedi
