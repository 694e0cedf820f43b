#include "sql/execution/join_hash_table.h"

namespace stedi::sql {

void JoinHashTable::Build(std::span<const uint64_t> hashes, std::span<const uint8_t> key_null,
                          const std::function<bool(uint32_t, uint32_t)>* same_key) {
  const size_t rows = hashes.size();
  // At most one row per two slots on average keeps chains short without much memory.
  size_t slots = 1;
  while (slots < rows * 2) slots <<= 1;
  mask_ = slots - 1;
  heads_.assign(slots, kEnd);
  entries_.resize(rows);
  // Inserting from the last row keeps every chain in ascending row order, so the output follows
  // the build side's order for equal keys.
  for (size_t r = rows; r-- > 0;) {
    entries_[r] = Entry{hashes[r], kEnd};
    if (key_null[r]) continue;
    uint32_t& head = heads_[hashes[r] & mask_];
    if (same_key != nullptr && HasKey(head, hashes[r], static_cast<uint32_t>(r), *same_key)) {
      continue;
    }
    entries_[r].next = head;
    head = static_cast<uint32_t>(r);
  }
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
