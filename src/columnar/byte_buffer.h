#pragma once

#include <algorithm>
#include <cassert>
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <iterator>
#include <new>
#include <utility>

namespace stedi {

/// A growable byte array like std::vector<uint8_t>, except that growing it with resize(n)
/// leaves the new bytes uninitialised. Column buffers are written right after they grow (a
/// gather, a decoded page), and std::vector zeroed them first: a tenth of a join's time went
/// to that memset. Appends are memcpy; copies copy the bytes in one go.
class ByteBuffer {
 public:
  ByteBuffer() = default;
  ByteBuffer(const ByteBuffer& other) { Append(other.data_, other.size_); }
  ByteBuffer(ByteBuffer&& other) noexcept
      : data_(std::exchange(other.data_, nullptr)),
        size_(std::exchange(other.size_, 0)),
        capacity_(std::exchange(other.capacity_, 0)) {}
  ByteBuffer& operator=(const ByteBuffer& other) {
    if (this != &other) {
      size_ = 0;
      Append(other.data_, other.size_);
    }
    return *this;
  }
  ByteBuffer& operator=(ByteBuffer&& other) noexcept {
    std::swap(data_, other.data_);
    std::swap(size_, other.size_);
    std::swap(capacity_, other.capacity_);
    return *this;
  }
  ~ByteBuffer() { std::free(data_); }

  size_t size() const { return size_; }
  bool empty() const { return size_ == 0; }
  size_t capacity() const { return capacity_; }
  uint8_t* data() { return data_; }
  const uint8_t* data() const { return data_; }
  uint8_t* begin() { return data_; }
  uint8_t* end() { return data_ + size_; }
  const uint8_t* begin() const { return data_; }
  const uint8_t* end() const { return data_ + size_; }
  uint8_t& operator[](size_t i) {
    assert(i < size_);
    return data_[i];
  }
  uint8_t operator[](size_t i) const {
    assert(i < size_);
    return data_[i];
  }

  void reserve(size_t n) {
    if (n > capacity_) Reallocate(n);
  }
  /// Sets the size to N; bytes past the old size are uninitialised until written.
  void resize(size_t n) {
    if (n > capacity_) Grow(n);
    size_ = n;
  }
  /// Sets the size to N; bytes past the old size are VALUE.
  void resize(size_t n, uint8_t value) {
    const size_t old = size_;
    resize(n);
    if (n > old) std::memset(data_ + old, value, n - old);
  }
  void assign(size_t n, uint8_t value) {
    size_ = 0;
    resize(n, value);
  }
  void clear() { size_ = 0; }
  void push_back(uint8_t value) {
    if (size_ == capacity_) Grow(size_ + 1);
    data_[size_++] = value;
  }
  /// Appends N bytes from P.
  void Append(const void* p, size_t n) {
    if (n == 0) return;
    if (size_ + n > capacity_) Grow(size_ + n);
    std::memcpy(data_ + size_, p, n);
    size_ += n;
  }
  /// Appends the bytes of a contiguous range of bytes (std::vector's insert at end()).
  template <typename It>
  void insert(const uint8_t* at, It first, It last) {
    assert(at == end());
    (void)at;
    static_assert(sizeof(*first) == 1, "a range of bytes");
    const size_t n = static_cast<size_t>(last - first);
    if (n > 0) Append(std::to_address(first), n);
  }

  friend bool operator==(const ByteBuffer& a, const ByteBuffer& b) {
    return a.size_ == b.size_ && (a.size_ == 0 || std::memcmp(a.data_, b.data_, a.size_) == 0);
  }

 private:
  // Room for at least N bytes, growing geometrically so appends stay amortised O(1).
  void Grow(size_t n) { Reallocate(std::max<size_t>({n, capacity_ * 2, 64})); }
  void Reallocate(size_t capacity) {
    void* grown = std::realloc(data_, capacity);
    if (grown == nullptr) throw std::bad_alloc();
    data_ = static_cast<uint8_t*>(grown);
    capacity_ = capacity;
  }

  uint8_t* data_ = nullptr;
  size_t size_ = 0;
  size_t capacity_ = 0;
};

}  // namespace stedi
