#include "columnar/staged_column.h"

#include <algorithm>

namespace stedi {

StagedColumn::StagedColumn(TypeId type) : type_(type) {
  if (IsVariableWidth(type_)) offsets_.push_back(0);
}

void StagedColumn::AppendNull() {
  if (IsVariableWidth(type_)) {
    offsets_.push_back(values_.size());
  } else {
    static constexpr uint8_t kZeros[16] = {};
    values_.Append(kZeros, static_cast<size_t>(FixedWidth(type_)));
  }
  if (nulls_ == 0) {
    // The first null: the values before it were all valid.
    validity_.Reserve(size_ + 1);
    for (size_t i = 0; i < size_; ++i) validity_.Append("\1", 1);
  }
  validity_.Append("\0", 1);
  ++size_;
  ++nulls_;
}

void StagedColumn::PopLast() {
  --size_;
  if (IsVariableWidth(type_)) {
    offsets_.pop_back();
    values_.resize(offsets_.back());
  } else {
    values_.resize(values_.size() - static_cast<size_t>(FixedWidth(type_)));
  }
  if (nulls_ == 0) return;
  nulls_ -= validity_.data()[size_] == 0;
  validity_.Truncate(nulls_ > 0 ? size_ : 0);
}

void StagedColumn::Reserve(size_t rows, size_t string_bytes) {
  validity_.Reserve(rows);
  if (IsVariableWidth(type_)) {
    offsets_.reserve(offsets_.size() + rows);
    values_.reserve(values_.size() + string_bytes);
  } else {
    values_.reserve(values_.size() + rows * static_cast<size_t>(FixedWidth(type_)));
  }
}

void StagedColumn::MoveTo(ColumnBuilder& out) {
  if (size_ == 0) return;
  const size_t values_capacity = values_.capacity();
  const size_t offsets_capacity = offsets_.capacity();
  if (nulls_ > 0 || !out.SwapInBuffers(&values_, &offsets_, size_)) {
    out.AppendBuffers(values_.data(), values_.size(), offsets_.data(),
                      nulls_ > 0 ? validity_.data() : nullptr, size_);
  }
  // Emptied, or the builder's empty buffers: room for a batch like this one either way, without
  // copying what they held (realloc would).
  if (values_.capacity() < values_capacity) {
    ByteBuffer fresh;
    fresh.reserve(values_capacity);
    values_ = std::move(fresh);
  }
  values_.clear();
  if (IsVariableWidth(type_)) {
    offsets_.assign(1, 0);
    offsets_.reserve(offsets_capacity);
  }
  validity_.Clear();
  size_ = 0;
  nulls_ = 0;
}

void StagedColumn::Bytes::Grow(size_t n) {
  const size_t capacity = std::max({size_ + n, 2 * capacity_, size_t{4096}});
  std::unique_ptr<uint8_t[]> bigger(new uint8_t[capacity]);
  if (size_ > 0) std::memcpy(bigger.get(), data_.get(), size_);
  data_ = std::move(bigger);
  capacity_ = capacity;
}

}  // namespace stedi
