#include "formats/parquet/column_statistics.h"

#include <cmath>
#include <cstring>

namespace stedi::parquet {

void ColumnStatistics::AddInt(int64_t v) {
  if (!has_) {
    imin_ = imax_ = v;
    has_ = true;
  } else if (v < imin_) {
    imin_ = v;
  } else if (v > imax_) {
    imax_ = v;
  }
}

void ColumnStatistics::AddDouble(double v) {
  if (std::isnan(v)) return;
  if (!has_) {
    dmin_ = dmax_ = v;
    has_ = true;
    return;
  }
  if (v < dmin_ || (v == 0 && dmin_ == 0 && std::signbit(v))) dmin_ = v;
  if (v > dmax_ || (v == 0 && dmax_ == 0 && !std::signbit(v))) dmax_ = v;
}

void ColumnStatistics::AddBytes(std::string_view v) {
  if (!has_) {
    smin_.assign(v);
    smax_.assign(v);
    has_ = true;
  } else if (v < smin_) {
    smin_.assign(v);
  } else if (v > smax_) {
    smax_.assign(v);
  }
}

void ColumnStatistics::Merge(const ColumnStatistics& other) {
  null_count_ += other.null_count_;
  if (!other.has_) return;
  switch (type_) {
    case TypeId::kFloat64:
      AddDouble(other.dmin_);
      AddDouble(other.dmax_);
      break;
    case TypeId::kString:
    case TypeId::kBinary:
      AddBytes(other.smin_);
      AddBytes(other.smax_);
      break;
    default:
      AddInt(other.imin_);
      AddInt(other.imax_);
      break;
  }
}

std::optional<std::string> ColumnStatistics::Encode(bool min) const {
  if (!has_) return std::nullopt;
  auto fixed = [](auto v) {
    std::string out(sizeof(v), '\0');
    std::memcpy(out.data(), &v, sizeof(v));  // little-endian host (x86-64, aarch64)
    return out;
  };
  const int64_t i = min ? imin_ : imax_;
  switch (type_) {
    case TypeId::kBoolean:
      return std::string(1, static_cast<char>(i != 0));
    case TypeId::kInt32:
    case TypeId::kDate:
      return fixed(static_cast<int32_t>(i));
    case TypeId::kInt64:
    case TypeId::kTimestamp:
      return fixed(i);
    case TypeId::kFloat64: {
      // The spec asks for -0.0 as a zero minimum and +0.0 as a zero maximum.
      double d = min ? dmin_ : dmax_;
      if (d == 0) d = min ? -0.0 : 0.0;
      return fixed(d);
    }
    case TypeId::kString:
    case TypeId::kBinary:
      return min ? smin_ : smax_;
  }
  return std::nullopt;
}

}  // namespace stedi::parquet
