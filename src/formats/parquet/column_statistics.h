#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "columnar/data_type.h"

namespace stedi::parquet {

/// Tracks the null count and the minimum and maximum non-null value of one column, in the
/// order Parquet's TYPE_ORDER prescribes: signed for integers, dates and timestamps, numeric for
/// doubles (NaN ignored), unsigned byte-wise for strings and binaries, false < true.
class ColumnStatistics {
 public:
  explicit ColumnStatistics(TypeId type) : type_(type) {}

  void AddNulls(int64_t n) { null_count_ += n; }
  void AddInt(int64_t v);
  void AddDouble(double v);
  void AddBytes(std::string_view v);
  /// Folds OTHER (same type) into this.
  void Merge(const ColumnStatistics& other);
  void Reset() { *this = ColumnStatistics(type_); }

  int64_t null_count() const { return null_count_; }
  bool has_min_max() const { return has_; }
  /// Returns the minimum / maximum PLAIN-encoded (little-endian fixed width, raw bytes for
  /// strings, one byte for booleans), which is also Iceberg's single-value serialization.
  std::optional<std::string> EncodedMin() const { return Encode(true); }
  std::optional<std::string> EncodedMax() const { return Encode(false); }

 private:
  std::optional<std::string> Encode(bool min) const;

  TypeId type_;
  int64_t null_count_ = 0;
  bool has_ = false;
  int64_t imin_ = 0, imax_ = 0;
  double dmin_ = 0, dmax_ = 0;
  std::string smin_, smax_;
};

}  // namespace stedi::parquet
