#pragma once

#include <cstdint>
#include <memory>
#include <span>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "columnar/column.h"

namespace stedi::sql {

/// The build rows of a join on two keys, a string (a device) and an integer (a time), grouped
/// by the string. A probe row whose string is a dictionary entry finds its group through the
/// entry's code and scans the group's integers, laid out side by side, instead of hashing both
/// keys and walking a hash chain through rows scattered over the build side: one cache miss per
/// group instead of several per row. Only worth it when every group is small, which Build
/// checks.
class StringKeyGroups {
 public:
  static constexpr uint32_t kNoGroup = UINT32_MAX;
  /// A probe row compares its integer with at most this many build rows.
  static constexpr size_t kMaxGroupRows = 64;

  /// Groups the rows of the build side's key columns KEYS. False when KEYS are not one string
  /// and one integer (or date) column, or when a group would pass kMaxGroupRows. Rows with a
  /// NULL key are in no group (they never join). Orders the groups on up to THREADS threads.
  bool Build(std::span<const Column* const> keys, size_t threads = 1);

  /// Which of the two keys is the string.
  size_t string_key() const { return string_key_; }
  /// Sets GROUPS[e] to the group of DICTIONARY's entry E (a string column), or kNoGroup.
  void MapEntries(const Column& dictionary, std::vector<uint32_t>* groups) const;

  /// Group G's rows are rows()[offsets()[G] .. offsets()[G + 1]) and their integer keys
  /// values()[...] alike, ordered by integer and, among equal integers, by row (the order a
  /// hash chain lists them in).
  const uint32_t* offsets() const { return offsets_.data(); }
  /// The first position of group G whose integer is not below VALUE (its end when none).
  uint32_t LowerBound(uint32_t group, int64_t value) const {
    // Branch-free halving: a group's position is as unpredictable as the probe's value.
    const int64_t* first = values_.get() + offsets_[group];
    size_t n = offsets_[group + 1] - offsets_[group];
    while (n > 1) {
      const size_t half = n / 2;
      first = first[half - 1] < value ? first + half : first;
      n -= half;
    }
    first += (n == 1 && *first < value) ? 1 : 0;
    return static_cast<uint32_t>(first - values_.get());
  }
  const uint32_t* rows() const { return rows_.get(); }
  const int64_t* values() const { return values_.get(); }

  /// The integer key at ROW of C (an integer or date column; WIDE when of 8 bytes), as
  /// values() holds it.
  static int64_t IntegerAt(const Column& c, size_t row, bool wide) {
    return wide ? c.GetInt64(row) : c.GetInt32(row);
  }
  /// Whether C can be the integer key, and whether it is WIDE.
  static bool IsIntegerKey(const Column& c, bool* wide);

 private:
  void OrderGroup(size_t g);

  size_t string_key_ = 0;
  std::unordered_map<std::string_view, uint32_t> group_of_;  // views into the build strings
  std::vector<uint32_t> offsets_;
  std::unique_ptr<uint32_t[]> rows_;  // offsets_.back() of each, uninitialized until placed
  std::unique_ptr<int64_t[]> values_;
};

}  // namespace stedi::sql
