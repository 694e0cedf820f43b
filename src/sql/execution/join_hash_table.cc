#include "sql/execution/join_hash_table.h"

#include <algorithm>

#include "concurrency/thread_pool.h"

namespace stedi::sql {

namespace {

// Below this many rows a build on one thread is quick enough that splitting it costs more.
constexpr size_t kParallelBuildRows = 1 << 18;

}  // namespace

void JoinHashTable::Build(std::span<const uint64_t> hashes, std::span<const uint8_t> key_null,
                          const std::function<bool(uint32_t, uint32_t)>* same_key, size_t threads) {
  const size_t rows = hashes.size();
  // At most one row per two slots on average keeps chains short without much memory.
  int slot_bits = 0;
  while ((size_t{1} << slot_bits) < rows * 2) ++slot_bits;
  slots_ = size_t{1} << slot_bits;
  rows_ = rows;
  mask_ = slots_ - 1;
  // Written in full below, on the build's threads: no zero-fill on one thread first.
  heads_ = std::make_unique_for_overwrite<uint32_t[]>(slots_);
  entries_ = std::make_unique_for_overwrite<Entry[]>(rows);
  int part_bits = 0;
  if (rows >= kParallelBuildRows) {
    while ((size_t{1} << part_bits) < threads && part_bits < slot_bits) ++part_bits;
  }
  const size_t parts = size_t{1} << part_bits;
  if (parts == 1) {
    std::fill(heads_.get(), heads_.get() + slots_, kEnd);
    // Inserting from the last row keeps every chain in ascending row order, so the output
    // follows the build side's order for equal keys.
    for (size_t r = rows; r-- > 0;) {
      entries_[r] = Entry{hashes[r], kEnd};
      if (!key_null[r]) Link(static_cast<uint32_t>(r), same_key);
    }
    return;
  }
  // Pass 1, rows split in PARTS chunks: each row's entry, and the row listed under the part
  // (range of slots, by the slot's high bits) its hash falls in.
  const int shift = slot_bits - part_bits;
  const size_t chunk = (rows + parts - 1) / parts;
  std::vector<std::vector<std::vector<uint32_t>>> listed(parts,
                                                         std::vector<std::vector<uint32_t>>(parts));
  Status listed_ok = ParallelFor(parts, threads, [&](size_t k) -> Status {
    const size_t begin = std::min(rows, k * chunk);
    const size_t end = std::min(rows, begin + chunk);
    for (auto& list : listed[k]) list.reserve((end - begin) / parts + (end - begin) / 16 + 16);
    for (size_t r = begin; r < end; ++r) {
      entries_[r] = Entry{hashes[r], kEnd};
      if (!key_null[r]) listed[k][(hashes[r] & mask_) >> shift].push_back(static_cast<uint32_t>(r));
    }
    return Status::OK();
  });
  // Pass 2, one part per task: its slots emptied, then its rows linked from the last one, as on
  // one thread (chunks in reverse order, each list from its end).
  Status linked_ok = ParallelFor(parts, threads, [&](size_t p) -> Status {
    std::fill(heads_.get() + (p << shift), heads_.get() + ((p + 1) << shift), kEnd);
    for (size_t k = parts; k-- > 0;) {
      const std::vector<uint32_t>& list = listed[k][p];
      for (size_t i = list.size(); i-- > 0;) Link(list[i], same_key);
    }
    return Status::OK();
  });
  (void)listed_ok;  // the tasks cannot fail
  (void)linked_ok;
}

bool JoinHashTable::HasKey(uint32_t chain, uint64_t hash, uint32_t row,
                           const std::function<bool(uint32_t, uint32_t)>& same_key) const {
  for (; chain != kEnd; chain = entries_[chain].next) {
    if (entries_[chain].hash == hash && same_key(chain, row)) return true;
  }
  return false;
}

void JoinHashTable::FirstOfEach(std::span<const uint64_t> hashes,
                                std::vector<uint32_t>* heads) const {
  heads->resize(hashes.size());
  uint32_t* out = heads->data();
  for (size_t i = 0; i < hashes.size(); ++i) out[i] = heads_[hashes[i] & mask_];
}

}  // namespace stedi::sql
