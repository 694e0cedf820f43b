#include "columnar/column.h"

#include <cassert>

namespace stedi {

void ColumnBuilder::Reserve(size_t rows) {
  if (IsVariableWidth(column_.type_)) {
    column_.offsets_.reserve(rows + 1);
  } else {
    column_.values_.reserve(rows * FixedWidth(column_.type_));
  }
}

void ColumnBuilder::AppendNull() {
  if (column_.validity_.empty()) column_.validity_.assign(column_.size_, 1);
  column_.validity_.push_back(0);
  if (IsVariableWidth(column_.type_)) {
    column_.offsets_.push_back(column_.values_.size());
  } else {
    column_.values_.resize(column_.values_.size() + FixedWidth(column_.type_), 0);
  }
  ++column_.size_;
  ++column_.null_count_;
}

void ColumnBuilder::AppendString(std::string_view v) {
  assert(IsVariableWidth(column_.type_));
  column_.values_.insert(column_.values_.end(), v.begin(), v.end());
  column_.offsets_.push_back(column_.values_.size());
  MarkValid();
}

void ColumnBuilder::AppendFrom(const Column& source, size_t row) {
  assert(source.type() == column_.type_);
  if (source.IsNull(row)) {
    AppendNull();
  } else if (IsVariableWidth(source.type())) {
    AppendString(source.GetString(row));
  } else {
    const int w = FixedWidth(source.type());
    const uint8_t* p = source.values().data() + row * w;
    column_.values_.insert(column_.values_.end(), p, p + w);
    MarkValid();
  }
}

Column ColumnBuilder::Finish() {
  Column out = std::move(column_);
  column_ = Column(out.type_);
  return out;
}

}  // namespace stedi
