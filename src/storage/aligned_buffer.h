#pragma once

#include <cstddef>
#include <cstdlib>
#include <memory>
#include <new>

#include "storage/file_system.h"

namespace stedi {

/// Uninitialised heap bytes starting at a multiple of kUncachedWriteAlignment, so that appending
/// them to a WriteCaching::kUncached file can bypass the page cache.
class AlignedBuffer {
 public:
  AlignedBuffer() = default;
  explicit AlignedBuffer(size_t size) : size_(size) {
    // aligned_alloc wants a multiple of the alignment; the extra bytes are never exposed.
    const size_t rounded =
        (size + kUncachedWriteAlignment - 1) / kUncachedWriteAlignment * kUncachedWriteAlignment;
    data_.reset(static_cast<char*>(std::aligned_alloc(
        kUncachedWriteAlignment, rounded == 0 ? kUncachedWriteAlignment : rounded)));
    if (!data_) throw std::bad_alloc();  // as operator new does
  }

  char* data() { return data_.get(); }
  const char* data() const { return data_.get(); }
  size_t size() const { return size_; }

 private:
  struct Free {
    void operator()(char* p) const { std::free(p); }
  };
  std::unique_ptr<char, Free> data_;
  size_t size_ = 0;
};

}  // namespace stedi
