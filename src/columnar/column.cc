#include "columnar/column.h"

#include <cassert>
#include <cstring>

namespace stedi {

Column Column::FromDictionary(std::shared_ptr<const Column> dictionary, std::vector<uint32_t> codes,
                              std::vector<uint8_t> validity) {
  ByteBuffer bytes;
  bytes.Append(codes.data(), codes.size() * sizeof(uint32_t));
  return FromDictionaryCodes(std::move(dictionary), std::move(bytes), std::move(validity));
}

Column Column::FromDictionaryCodes(std::shared_ptr<const Column> dictionary, ByteBuffer codes,
                                   std::vector<uint8_t> validity) {
  assert(dictionary && IsVariableWidth(dictionary->type()) && !dictionary->is_dictionary());
  assert(codes.size() % sizeof(uint32_t) == 0);
  assert(validity.empty() || validity.size() == codes.size() / sizeof(uint32_t));
  Column out(dictionary->type());
  out.offsets_.clear();
  out.size_ = codes.size() / sizeof(uint32_t);
  out.values_ = std::move(codes);
  for (uint8_t v : validity) out.null_count_ += v == 0;
  if (out.null_count_ > 0) out.validity_ = std::move(validity);
  out.dictionary_ = std::move(dictionary);
  return out;
}

namespace {

// Appends the strings that ROW_AT(i) (i < COUNT) selects from DICTIONARY-encoded SOURCE to
// VALUES/OFFSETS: the bytes are counted first so the values grow once, not once per row.
template <typename RowAt>
void AppendDictionaryStrings(const Column& source, size_t count, RowAt row_at, ByteBuffer* values,
                             std::vector<uint64_t>* offsets) {
  const Column& dict = *source.dictionary();
  const uint64_t* dict_off = dict.offsets().data();
  size_t bytes = 0;
  for (size_t i = 0; i < count; ++i) {
    const size_t r = row_at(i);
    if (source.IsNull(r)) continue;
    const uint32_t c = source.code(r);
    bytes += dict_off[c + 1] - dict_off[c];
  }
  size_t at = values->size();
  values->resize(at + bytes);
  offsets->reserve(offsets->size() + count);
  uint8_t* dst = values->data();
  const uint8_t* src = dict.values().data();
  for (size_t i = 0; i < count; ++i) {
    const size_t r = row_at(i);
    if (!source.IsNull(r)) {
      const uint32_t c = source.code(r);
      const uint64_t len = dict_off[c + 1] - dict_off[c];
      if (len > 0) std::memcpy(dst + at, src + dict_off[c], len);
      at += len;
    }
    offsets->push_back(at);
  }
}

}  // namespace

Column Column::Materialized() const {
  if (!dictionary_) return *this;
  Column out(type_);
  AppendDictionaryStrings(
      *this, size_, [](size_t i) { return i; }, &out.values_, &out.offsets_);
  out.size_ = size_;
  out.null_count_ = null_count_;
  out.validity_ = validity_;
  return out;
}

void ColumnBuilder::MaterializeDictionary() {
  if (!column_.dictionary_) return;
  // Keep the validity as it is: it may be tracked (all ones) even without a null.
  Column inline_column = column_.Materialized();
  inline_column.validity_ = std::move(column_.validity_);
  column_ = std::move(inline_column);
}

bool ColumnBuilder::AdoptDictionaryOf(const Column& source) {
  if (!source.dictionary_) return false;
  if (column_.dictionary_ == source.dictionary_) return true;
  if (column_.size_ != 0) return false;
  column_.dictionary_ = source.dictionary_;
  column_.offsets_.clear();
  column_.values_.clear();
  return true;
}

void ColumnBuilder::AppendCode(const std::shared_ptr<const Column>& dictionary, uint32_t code) {
  if (column_.dictionary_ != dictionary && column_.size_ == 0) {
    column_.dictionary_ = dictionary;
    column_.offsets_.clear();
    column_.values_.clear();
  }
  if (column_.dictionary_ != dictionary) {
    AppendString(dictionary->GetString(code));
    return;
  }
  AppendFixed(code);
}

void ColumnBuilder::Reserve(size_t rows) {
  if (column_.dictionary_) {
    column_.values_.reserve(rows * sizeof(uint32_t));
  } else if (IsVariableWidth(column_.type_)) {
    column_.offsets_.reserve(rows + 1);
  } else {
    column_.values_.reserve(rows * FixedWidth(column_.type_));
  }
}

void ColumnBuilder::AppendNull() {
  if (column_.validity_.empty()) column_.validity_.assign(column_.size_, 1);
  column_.validity_.push_back(0);
  if (column_.dictionary_) {
    column_.values_.resize(column_.values_.size() + sizeof(uint32_t), 0);
  } else if (IsVariableWidth(column_.type_)) {
    column_.offsets_.push_back(column_.values_.size());
  } else {
    column_.values_.resize(column_.values_.size() + FixedWidth(column_.type_), 0);
  }
  ++column_.size_;
  ++column_.null_count_;
}

void ColumnBuilder::AppendString(std::string_view v) {
  assert(IsVariableWidth(column_.type_));
  if (column_.dictionary_) MaterializeDictionary();
  column_.values_.insert(column_.values_.end(), v.begin(), v.end());
  column_.offsets_.push_back(column_.values_.size());
  MarkValid();
}

uint8_t* ColumnBuilder::AppendFixedWidthUninitialized(size_t count) {
  assert(!IsVariableWidth(column_.type_) && !column_.dictionary_);
  const size_t at = column_.values_.size();
  column_.values_.resize(at + count * FixedWidth(column_.type_));
  if (!column_.validity_.empty()) column_.validity_.resize(column_.validity_.size() + count, 1);
  column_.size_ += count;
  return column_.values_.data() + at;
}

void ColumnBuilder::AppendFixedWidthValues(const void* data, size_t count) {
  assert(!IsVariableWidth(column_.type_));
  if (count == 0) return;
  const size_t bytes = count * FixedWidth(column_.type_);
  const auto* p = static_cast<const uint8_t*>(data);
  column_.values_.insert(column_.values_.end(), p, p + bytes);  // no zero-fill first
  if (!column_.validity_.empty()) column_.validity_.resize(column_.validity_.size() + count, 1);
  column_.size_ += count;
}

void ColumnBuilder::AppendBuffers(const uint8_t* values, size_t value_bytes, const void* offsets,
                                  const uint8_t* validity, size_t count) {
  if (count == 0) return;
  if (column_.dictionary_) MaterializeDictionary();
  const size_t base = column_.values_.size();
  if (value_bytes > 0) column_.values_.insert(column_.values_.end(), values, values + value_bytes);
  if (IsVariableWidth(column_.type_)) {
    const auto* raw = static_cast<const uint8_t*>(offsets);
    uint64_t first;
    std::memcpy(&first, raw, sizeof(first));
    const size_t at = column_.offsets_.size();
    column_.offsets_.resize(at + count);
    uint64_t* out = column_.offsets_.data() + at;
    for (size_t i = 0; i < count; ++i) {
      uint64_t end;
      std::memcpy(&end, raw + (i + 1) * sizeof(uint64_t), sizeof(end));
      out[i] = base + (end - first);
    }
  }
  if (validity != nullptr) {
    if (column_.validity_.empty()) column_.validity_.assign(column_.size_, 1);
    column_.validity_.insert(column_.validity_.end(), validity, validity + count);
    for (size_t i = 0; i < count; ++i) column_.null_count_ += validity[i] == 0;
  } else if (!column_.validity_.empty()) {
    column_.validity_.insert(column_.validity_.end(), count, 1);
  }
  column_.size_ += count;
}

bool ColumnBuilder::SwapInBuffers(ByteBuffer* values, std::vector<uint64_t>* offsets,
                                  size_t count) {
  if (column_.size_ != 0 || column_.dictionary_ || !column_.validity_.empty()) return false;
  std::swap(column_.values_, *values);
  if (IsVariableWidth(column_.type_)) {
    assert(offsets->size() == count + 1 && offsets->front() == 0);
    std::swap(column_.offsets_, *offsets);
  }
  column_.size_ = count;
  return true;
}

void ColumnBuilder::AppendFrom(const Column& source, size_t row) {
  assert(source.type() == column_.type_);
  if (source.IsNull(row)) {
    AppendNull();
  } else if (source.dictionary_) {
    AppendCode(source.dictionary_, source.code(row));
  } else if (IsVariableWidth(source.type())) {
    AppendString(source.GetString(row));
  } else {
    const int w = FixedWidth(source.type());
    const uint8_t* p = source.values().data() + row * w;
    column_.values_.insert(column_.values_.end(), p, p + w);
    MarkValid();
  }
}

void ColumnBuilder::AppendRows(const Column& source, const uint32_t* rows, size_t count) {
  assert(source.type() == column_.type_);
  // Validity stays empty while no row is null; it may be empty with size 0 too.
  const bool track_validity = !column_.validity_.empty() || source.null_count() > 0;
  if (track_validity && column_.validity_.empty()) column_.validity_.assign(column_.size_, 1);
  const bool as_codes = AdoptDictionaryOf(source);
  if (!as_codes && column_.dictionary_) MaterializeDictionary();
  if (!as_codes && source.dictionary_) {
    // Codes of another dictionary: append the strings themselves.
    AppendDictionaryStrings(
        source, count, [rows](size_t i) { return rows[i]; }, &column_.values_, &column_.offsets_);
  } else if (IsVariableWidth(source.type()) && !as_codes) {
    const uint64_t* off = source.offsets_.data();
    size_t bytes = 0;
    for (size_t i = 0; i < count; ++i) bytes += off[rows[i] + 1] - off[rows[i]];
    size_t at = column_.values_.size();
    column_.values_.resize(at + bytes);
    column_.offsets_.reserve(column_.offsets_.size() + count);
    uint8_t* dst = column_.values_.data();
    const uint8_t* src = source.values_.data();
    for (size_t i = 0; i < count; ++i) {
      const uint64_t begin = off[rows[i]];
      const uint64_t len = off[rows[i] + 1] - begin;
      if (len > 0) std::memcpy(dst + at, src + begin, len);  // src is null when all are empty
      at += len;
      column_.offsets_.push_back(at);
    }
  } else {
    const int w = as_codes ? 4 : FixedWidth(source.type());
    const size_t at = column_.values_.size();
    column_.values_.resize(at + count * w);
    uint8_t* dst = column_.values_.data() + at;
    const uint8_t* src = source.values_.data();
    if (count == 0) {
      // Nothing to copy; the buffers may be null.
    } else if (w == 8) {
      for (size_t i = 0; i < count; ++i) std::memcpy(dst + i * 8, src + size_t{rows[i]} * 8, 8);
    } else if (w == 4) {
      for (size_t i = 0; i < count; ++i) std::memcpy(dst + i * 4, src + size_t{rows[i]} * 4, 4);
    } else {
      for (size_t i = 0; i < count; ++i) std::memcpy(dst + i * w, src + size_t{rows[i]} * w, w);
    }
  }
  if (track_validity) {
    size_t nulls = 0;
    column_.validity_.reserve(column_.validity_.size() + count);
    for (size_t i = 0; i < count; ++i) {
      const uint8_t valid = source.IsNull(rows[i]) ? 0 : 1;
      nulls += 1 - valid;
      column_.validity_.push_back(valid);
    }
    column_.null_count_ += nulls;
  }
  column_.size_ += count;
}

void ColumnBuilder::AppendRange(const Column& source, size_t start, size_t count) {
  assert(source.type() == column_.type_);
  if (count == 0) return;
  // Validity stays empty while no row is null; it may be empty with size 0 too.
  const bool track_validity = !column_.validity_.empty() || source.null_count() > 0;
  if (track_validity && column_.validity_.empty()) column_.validity_.assign(column_.size_, 1);
  const bool as_codes = AdoptDictionaryOf(source);
  if (!as_codes && column_.dictionary_) MaterializeDictionary();
  if (!as_codes && source.dictionary_) {
    AppendDictionaryStrings(
        source, count, [start](size_t i) { return start + i; }, &column_.values_,
        &column_.offsets_);
  } else if (IsVariableWidth(source.type()) && !as_codes) {
    const uint64_t* off = source.offsets_.data();
    const uint64_t begin = off[start];
    const uint64_t end = off[start + count];
    const size_t base = column_.values_.size();
    column_.values_.insert(column_.values_.end(), source.values_.begin() + begin,
                           source.values_.begin() + end);
    column_.offsets_.reserve(column_.offsets_.size() + count);
    for (size_t i = 1; i <= count; ++i) column_.offsets_.push_back(base + off[start + i] - begin);
  } else {
    const int w = as_codes ? 4 : FixedWidth(source.type());
    column_.values_.insert(column_.values_.end(), source.values_.begin() + start * w,
                           source.values_.begin() + (start + count) * w);
  }
  if (track_validity) {
    if (source.validity_.empty()) {
      column_.validity_.insert(column_.validity_.end(), count, 1);
    } else {
      column_.validity_.insert(column_.validity_.end(), source.validity_.begin() + start,
                               source.validity_.begin() + start + count);
      for (size_t i = start; i < start + count; ++i)
        column_.null_count_ += source.validity_[i] == 0;
    }
  }
  column_.size_ += count;
}

Column ColumnBuilder::Finish() {
  Column out = std::move(column_);
  column_ = Column(out.type_);
  return out;
}

}  // namespace stedi
