#include "sql/execution/string_key_groups.h"

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

bool StringKeyGroups::Build(std::span<const Column* const> keys) {
  if (keys.size() != 2) return false;
  string_key_ = IsVariableWidth(keys[0]->type()) ? 0 : 1;
  const Column& strings = *keys[string_key_];
  const Column& integers = *keys[1 - string_key_];
  bool wide = false;
  if (!IsVariableWidth(strings.type()) || !IsIntegerKey(integers, &wide)) return false;
  const size_t n = strings.size();
  // Each row's group. A dictionary-encoded column is grouped entry by entry (its entries may
  // repeat a string), then its rows by code.
  std::vector<uint32_t> group(n, kNoGroup);
  group_of_.clear();
  auto group_of = [&](std::string_view s) {
    return group_of_.try_emplace(s, static_cast<uint32_t>(group_of_.size())).first->second;
  };
  if (strings.is_dictionary()) {
    const Column& dictionary = *strings.dictionary();
    std::vector<uint32_t> entry_group(dictionary.size());
    for (size_t e = 0; e < dictionary.size(); ++e) {
      if (!dictionary.IsNull(e)) entry_group[e] = group_of(dictionary.GetString(e));
    }
    for (size_t r = 0; r < n; ++r) {
      if (!strings.IsNull(r) && !integers.IsNull(r)) group[r] = entry_group[strings.code(r)];
    }
  } else {
    for (size_t r = 0; r < n; ++r) {
      if (!strings.IsNull(r) && !integers.IsNull(r)) group[r] = group_of(strings.GetString(r));
    }
  }
  // A counting sort by group keeps each group's rows ascending, as a hash chain lists them.
  const size_t groups = group_of_.size();
  offsets_.assign(groups + 1, 0);
  for (uint32_t g : group) {
    if (g != kNoGroup) ++offsets_[g + 1];
  }
  for (size_t g = 0; g < groups; ++g) {
    if (offsets_[g + 1] > kMaxGroupRows) return false;
    offsets_[g + 1] += offsets_[g];
  }
  rows_.resize(offsets_[groups]);
  values_.resize(offsets_[groups]);
  std::vector<uint32_t> next(offsets_.begin(), offsets_.end() - 1);
  for (size_t r = 0; r < n; ++r) {
    if (group[r] == kNoGroup) continue;
    const uint32_t at = next[group[r]]++;
    rows_[at] = static_cast<uint32_t>(r);
    values_[at] = IntegerAt(integers, r, wide);
  }
  // Each group (a few dozen rows at most) is put in integer order by a stable insertion sort in
  // place: equal integers keep their ascending rows, and no copy of the rows is needed.
  for (size_t g = 0; g < groups; ++g) {
    for (size_t i = offsets_[g] + 1; i < offsets_[g + 1]; ++i) {
      const int64_t value = values_[i];
      const uint32_t row = rows_[i];
      size_t j = i;
      for (; j > offsets_[g] && values_[j - 1] > value; --j) {
        values_[j] = values_[j - 1];
        rows_[j] = rows_[j - 1];
      }
      values_[j] = value;
      rows_[j] = row;
    }
  }
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
