#include "sql/execution/string_key_groups.h"

#include <algorithm>

#include "concurrency/thread_pool.h"

namespace stedi::sql {

bool StringKeyGroups::IsIntegerKey(const Column& c, bool* wide) {
  switch (c.type()) {
    case TypeId::kInt64:
    case TypeId::kTimestamp:
      *wide = true;
      return true;
    case TypeId::kInt32:
    case TypeId::kDate:
      *wide = false;
      return true;
    default:
      return false;
  }
}

// Puts group G (at most kMaxGroupRows rows, ascending) in integer order, equal integers keeping
// their ascending rows. Each integer's offset from the group's smallest and the row's place in
// the group fit one 64-bit key when the group spans less than 2^57: one array of unique keys
// to sort instead of two moved side by side, which halves the moves of the insertion sort.
void StringKeyGroups::OrderGroup(size_t g) {
  const uint32_t begin = offsets_[g];
  const size_t n = offsets_[g + 1] - begin;
  if (n < 2) return;
  int64_t* values = values_.get() + begin;
  uint32_t* rows = rows_.get() + begin;
  static_assert(kMaxGroupRows <= 64, "a row's place in its group takes six bits");
  const auto [low, high] = std::minmax_element(values, values + n);
  const uint64_t span = static_cast<uint64_t>(*high) - static_cast<uint64_t>(*low);
  if (span < (uint64_t{1} << 57)) {
    const int64_t smallest = *low;
    uint64_t keys[kMaxGroupRows];
    uint32_t placed[kMaxGroupRows];
    for (size_t i = 0; i < n; ++i) {
      keys[i] = ((static_cast<uint64_t>(values[i]) - static_cast<uint64_t>(smallest)) << 6) | i;
      placed[i] = rows[i];
    }
    for (size_t i = 1; i < n; ++i) {
      const uint64_t key = keys[i];
      size_t j = i;
      for (; j > 0 && keys[j - 1] > key; --j) keys[j] = keys[j - 1];
      keys[j] = key;
    }
    for (size_t i = 0; i < n; ++i) {
      values[i] = static_cast<int64_t>(static_cast<uint64_t>(smallest) + (keys[i] >> 6));
      rows[i] = placed[keys[i] & 63];
    }
    return;
  }
  // A group spanning nearly all of int64: a stable insertion sort of both arrays.
  for (size_t i = 1; i < n; ++i) {
    const int64_t value = values[i];
    const uint32_t row = rows[i];
    size_t j = i;
    for (; j > 0 && values[j - 1] > value; --j) {
      values[j] = values[j - 1];
      rows[j] = rows[j - 1];
    }
    values[j] = value;
    rows[j] = row;
  }
}

bool StringKeyGroups::Build(std::span<const Column* const> keys, size_t threads) {
  if (keys.size() != 2) return false;
  string_key_ = IsVariableWidth(keys[0]->type()) ? 0 : 1;
  const Column& strings = *keys[string_key_];
  const Column& integers = *keys[1 - string_key_];
  bool wide = false;
  if (!IsVariableWidth(strings.type()) || !IsIntegerKey(integers, &wide)) return false;
  threads = std::max<size_t>(threads, 1);
  const size_t n = strings.size();
  // Each row's group, kNoGroup for a NULL key. Every slot is written once, so the array starts
  // uninitialized: a build side of millions of rows would otherwise fault its pages in twice.
  std::unique_ptr<uint32_t[]> group(new uint32_t[n]);
  group_of_.clear();
  auto group_of = [&](std::string_view s) {
    return group_of_.try_emplace(s, static_cast<uint32_t>(group_of_.size())).first->second;
  };
  auto null_key = [&](size_t r) { return strings.IsNull(r) || integers.IsNull(r); };
  if (strings.is_dictionary()) {
    // Grouped entry by entry (entries may repeat a string), then rows by code, in slices of
    // rows side by side.
    const Column& dictionary = *strings.dictionary();
    std::vector<uint32_t> entry_group(dictionary.size(), kNoGroup);
    for (size_t e = 0; e < dictionary.size(); ++e) {
      if (!dictionary.IsNull(e)) entry_group[e] = group_of(dictionary.GetString(e));
    }
    constexpr size_t kRowsPerTask = 1 << 18;
    (void)ParallelFor((n + kRowsPerTask - 1) / kRowsPerTask, threads, [&](size_t task) -> Status {
      const size_t last = std::min(n, (task + 1) * kRowsPerTask);
      for (size_t r = task * kRowsPerTask; r < last; ++r) {
        group[r] = null_key(r) ? kNoGroup : entry_group[strings.code(r)];
      }
      return Status::OK();
    });
  } else {
    for (size_t r = 0; r < n; ++r) {
      group[r] = null_key(r) ? kNoGroup : group_of(strings.GetString(r));
    }
  }
  // A counting sort by group keeps each group's rows ascending, as a hash chain lists them.
  const size_t groups = group_of_.size();
  offsets_.assign(groups + 1, 0);
  for (size_t r = 0; r < n; ++r) {
    if (group[r] != kNoGroup) ++offsets_[group[r] + 1];
  }
  for (size_t g = 0; g < groups; ++g) {
    if (offsets_[g + 1] > kMaxGroupRows) return false;
    offsets_[g + 1] += offsets_[g];
  }
  rows_.reset(new uint32_t[offsets_[groups]]);
  values_.reset(new int64_t[offsets_[groups]]);
  // Each task places the rows of its own range of groups, reading every row's group: the
  // writes (and the page faults of the fresh arrays) are shared out without any locking.
  const size_t parts = std::min(threads, std::max<size_t>(groups, 1));
  (void)ParallelFor(parts, parts, [&](size_t part) -> Status {
    const size_t first = groups * part / parts;
    const size_t last = groups * (part + 1) / parts;
    std::vector<uint32_t> next(offsets_.begin() + static_cast<ptrdiff_t>(first),
                               offsets_.begin() + static_cast<ptrdiff_t>(last));
    for (size_t r = 0; r < n; ++r) {
      const uint32_t g = group[r];
      if (g < first || g >= last) continue;  // kNoGroup is past every range
      const uint32_t at = next[g - first]++;
      rows_[at] = static_cast<uint32_t>(r);
      values_[at] = IntegerAt(integers, r, wide);
    }
    // The same groups, now in integer order.
    for (size_t g = first; g < last; ++g) OrderGroup(g);
    return Status::OK();
  });
  return true;
}

void StringKeyGroups::MapEntries(const Column& dictionary, std::vector<uint32_t>* groups) const {
  groups->assign(dictionary.size(), kNoGroup);
  for (size_t e = 0; e < dictionary.size(); ++e) {
    if (dictionary.IsNull(e)) continue;
    auto it = group_of_.find(dictionary.GetString(e));
    if (it != group_of_.end()) (*groups)[e] = it->second;
  }
}

}  // namespace stedi::sql
