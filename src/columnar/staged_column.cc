#include "columnar/staged_column.h"

#include <algorithm>

namespace stedi {

StagedColumn::StagedColumn(TypeId type) : type_(type) {
  const uint64_t zero = 0;
  if (IsVariableWidth(type_)) offsets_.Append(&zero, sizeof(zero));
}

void StagedColumn::AppendNull() {
  if (IsVariableWidth(type_)) {
    const uint64_t end = values_.size();
    offsets_.Append(&end, sizeof(end));
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
    offsets_.Truncate(offsets_.size() - sizeof(uint64_t));
    uint64_t end;
    std::memcpy(&end, offsets_.data() + offsets_.size() - sizeof(uint64_t), sizeof(end));
    values_.Truncate(end);
  } else {
    values_.Truncate(values_.size() - static_cast<size_t>(FixedWidth(type_)));
  }
  if (nulls_ == 0) return;
  nulls_ -= validity_.data()[size_] == 0;
  validity_.Truncate(nulls_ > 0 ? size_ : 0);
}

void StagedColumn::Reserve(size_t rows, size_t string_bytes) {
  validity_.Reserve(rows);
  if (IsVariableWidth(type_)) {
    offsets_.Reserve(rows * sizeof(uint64_t));
    values_.Reserve(string_bytes);
  } else {
    values_.Reserve(rows * static_cast<size_t>(FixedWidth(type_)));
  }
}

void StagedColumn::MoveTo(ColumnBuilder& out) {
  if (size_ == 0) return;
  out.AppendBuffers(values_.data(), values_.size(), offsets_.data(),
                    nulls_ > 0 ? validity_.data() : nullptr, size_);
  values_.Clear();
  validity_.Clear();
  if (IsVariableWidth(type_)) {
    offsets_.Clear();
    const uint64_t zero = 0;
    offsets_.Append(&zero, sizeof(zero));
  }
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
