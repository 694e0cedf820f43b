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
  /// Keeps buffers that nobody holds while they add up to at most MAX_IDLE_BYTES (others are
  /// freed), so that a few large files do not stay in memory after they were read.
  explicit AlignedBufferPool(size_t max_idle_bytes)
      : state_(std::make_shared<State>(max_idle_bytes)) {}

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

  /// Bytes of the buffers kept for reuse.
  size_t idle_bytes() const {
    std::lock_guard<std::mutex> lock(state_->mutex);
    return state_->idle_bytes;
  }

 private:
  // Sizes round up to whole MiB so that files of similar size share buffers.
  static size_t RoundUp(size_t size) {
    constexpr size_t kStep = size_t{1} << 20;
    return (size + kStep - 1) / kStep * kStep;
  }

  struct State {
    explicit State(size_t max_idle_bytes) : max_idle_bytes(max_idle_bytes) {}

    std::unique_ptr<AlignedBuffer> TakeIdle(size_t size) {
      std::lock_guard<std::mutex> lock(mutex);
      for (size_t i = 0; i < idle.size(); ++i) {
        if (idle[i]->size() < size) continue;
        std::unique_ptr<AlignedBuffer> buffer = std::move(idle[i]);
        idle[i] = std::move(idle.back());
        idle.pop_back();
        idle_bytes -= buffer->size();
        return buffer;
      }
      return nullptr;
    }

    void GiveBack(std::unique_ptr<AlignedBuffer> buffer) {
      std::lock_guard<std::mutex> lock(mutex);
      if (idle_bytes + buffer->size() > max_idle_bytes) return;
      idle_bytes += buffer->size();
      idle.push_back(std::move(buffer));
    }

    const size_t max_idle_bytes;
    std::mutex mutex;
    std::vector<std::unique_ptr<AlignedBuffer>> idle;
    size_t idle_bytes = 0;
  };

  std::shared_ptr<State> state_;
};

}  // namespace stedi
