#include "sql/execution/aggregate_state.h"

#include "sql/execution/value_order.h"

namespace stedi::sql {
namespace {

// Calls F(row) for every non-null row, over SEL (N rows) or rows 0..N-1.
template <typename F>
inline void ForValidRows(const Column& c, const uint32_t* sel, size_t n, F&& f) {
  const bool nullable = c.null_count() > 0;
  if (sel != nullptr) {
    for (size_t i = 0; i < n; ++i) {
      const uint32_t r = sel[i];
      if (nullable && c.IsNull(r)) continue;
      f(r);
    }
  } else {
    for (size_t r = 0; r < n; ++r) {
      if (nullable && c.IsNull(r)) continue;
      f(r);
    }
  }
}

// Runs F(row) with a type-specialised value reader VALUE(row) for integer-like columns.
template <typename F>
inline void WithIntegerReader(const Column& c, F&& f) {
  switch (c.type()) {
    case TypeId::kBoolean:
      f([&c](size_t r) -> int64_t { return c.values()[r]; });
      break;
    case TypeId::kInt32:
    case TypeId::kDate:
      f([&c](size_t r) -> int64_t { return c.GetInt32(r); });
      break;
    default:
      f([&c](size_t r) -> int64_t { return c.GetInt64(r); });
      break;
  }
}

// The states of one aggregate for every group, one array per field (vectorised updates).

}  // namespace

Result<AggregateKind> ParseAggregateKind(const std::string& name) {
  if (name == "count_star") return AggregateKind::kCountStar;
  if (name == "count") return AggregateKind::kCount;
  if (name == "sum") return AggregateKind::kSum;
  if (name == "avg") return AggregateKind::kAvg;
  if (name == "min") return AggregateKind::kMin;
  if (name == "max") return AggregateKind::kMax;
  return Status::Invalid("unknown aggregate function '" + name + "'");
}

AggregateState::AggregateState(AggregateKind kind, TypeId arg_type, TypeId result_type,
                               bool distinct)
    : kind_(kind), arg_type_(arg_type), result_type_(result_type) {
  if (distinct) distinct_set_ = std::make_unique<GroupHashTable>(std::vector<TypeId>{arg_type});
}

void AggregateState::Resize(size_t groups) {
  counts_.resize(groups, 0);
  if (kind_ == AggregateKind::kSum && IsIntegerLike(arg_type_)) ints_.resize(groups, 0);
  if (kind_ == AggregateKind::kSum && !IsIntegerLike(arg_type_)) doubles_.resize(groups, 0);
  if (kind_ == AggregateKind::kAvg) doubles_.resize(groups, 0);
  if (kind_ == AggregateKind::kMin || kind_ == AggregateKind::kMax) {
    if (IsIntegerLike(arg_type_)) ints_.resize(groups, 0);
    if (arg_type_ == TypeId::kFloat64) doubles_.resize(groups, 0);
    if (IsVariableWidth(arg_type_)) strings_.resize(groups);
  }
}

Status AggregateState::Update(const Column* arg, const uint32_t* gids, size_t rows) {
  if (kind_ == AggregateKind::kCountStar) {
    for (size_t r = 0; r < rows; ++r) ++counts_[gids[r]];
    return Status::OK();
  }
  if (!distinct_set_) return UpdateRows(*arg, gids, nullptr, rows);
  // DISTINCT: only the first occurrence of each (group, value) pair counts.
  distinct_set_->PrepareBatch({arg}, gids, rows);
  const uint32_t first_new = static_cast<uint32_t>(distinct_set_->num_groups());
  distinct_set_->FindOrInsert(&distinct_ids_);
  selection_.clear();
  uint32_t next_new = first_new;
  for (size_t r = 0; r < rows; ++r) {
    if (distinct_ids_[r] == next_new) {
      selection_.push_back(static_cast<uint32_t>(r));
      ++next_new;
    }
  }
  return UpdateRows(*arg, gids, selection_.data(), selection_.size());
}

Column AggregateState::Finish(size_t begin, size_t end) const {
  ColumnBuilder out(result_type_);
  out.Reserve(end - begin);
  for (size_t g = begin; g < end; ++g) {
    if (kind_ == AggregateKind::kCountStar || kind_ == AggregateKind::kCount) {
      out.AppendInt64(counts_[g]);
      continue;
    }
    if (counts_[g] == 0) {
      out.AppendNull();
      continue;
    }
    switch (kind_) {
      case AggregateKind::kSum:
        if (IsIntegerLike(arg_type_)) {
          out.AppendInt64(ints_[g]);
        } else {
          out.AppendDouble(doubles_[g]);
        }
        break;
      case AggregateKind::kAvg:
        out.AppendDouble(doubles_[g] / static_cast<double>(counts_[g]));
        break;
      default:
        AppendExtreme(&out, g);
        break;
    }
  }
  return out.Finish();
}

size_t AggregateState::MemoryBytes() const {
  size_t bytes = counts_.capacity() * 8 + ints_.capacity() * 8 + doubles_.capacity() * 8 +
                 strings_.capacity() * sizeof(std::string) + string_bytes_;
  if (distinct_set_) bytes += distinct_set_->MemoryBytes();
  return bytes;
}

void AggregateState::AppendExtreme(ColumnBuilder* out, size_t g) const {
  switch (arg_type_) {
    case TypeId::kBoolean:
      out->AppendBool(ints_[g] != 0);
      break;
    case TypeId::kInt32:
    case TypeId::kDate:
      out->AppendInt32(static_cast<int32_t>(ints_[g]));
      break;
    case TypeId::kInt64:
    case TypeId::kTimestamp:
      out->AppendInt64(ints_[g]);
      break;
    case TypeId::kFloat64:
      out->AppendDouble(doubles_[g]);
      break;
    case TypeId::kString:
    case TypeId::kBinary:
      out->AppendString(strings_[g]);
      break;
  }
}

Status AggregateState::UpdateRows(const Column& arg, const uint32_t* gids, const uint32_t* sel,
                                  size_t n) {
  int64_t* counts = counts_.data();
  switch (kind_) {
    case AggregateKind::kCountStar:
    case AggregateKind::kCount:
      ForValidRows(arg, sel, n, [&](uint32_t r) { ++counts[gids[r]]; });
      return Status::OK();
    case AggregateKind::kSum:
      if (IsIntegerLike(arg.type())) {
        int64_t* sums = ints_.data();
        bool overflow = false;
        WithIntegerReader(arg, [&](auto value) {
          ForValidRows(arg, sel, n, [&](uint32_t r) {
            const uint32_t g = gids[r];
            overflow |= __builtin_add_overflow(sums[g], value(r), &sums[g]);
            ++counts[g];
          });
        });
        if (overflow) return Status::Invalid("bigint overflow in sum()");
      } else {
        double* sums = doubles_.data();
        ForValidRows(arg, sel, n, [&](uint32_t r) {
          const uint32_t g = gids[r];
          sums[g] += arg.GetDouble(r);
          ++counts[g];
        });
      }
      return Status::OK();
    case AggregateKind::kAvg: {
      double* sums = doubles_.data();
      if (IsIntegerLike(arg.type())) {
        WithIntegerReader(arg, [&](auto value) {
          ForValidRows(arg, sel, n, [&](uint32_t r) {
            const uint32_t g = gids[r];
            sums[g] += static_cast<double>(value(r));
            ++counts[g];
          });
        });
      } else {
        ForValidRows(arg, sel, n, [&](uint32_t r) {
          const uint32_t g = gids[r];
          sums[g] += arg.GetDouble(r);
          ++counts[g];
        });
      }
      return Status::OK();
    }
    case AggregateKind::kMin:
    case AggregateKind::kMax:
      UpdateExtremes(arg, gids, sel, n, kind_ == AggregateKind::kMin ? -1 : 1);
      return Status::OK();
  }
  return Status::Internal("unreachable aggregate kind");
}

void AggregateState::UpdateExtremes(const Column& arg, const uint32_t* gids, const uint32_t* sel,
                                    size_t n, int want) {
  int64_t* counts = counts_.data();
  if (IsIntegerLike(arg.type())) {
    int64_t* best = ints_.data();
    WithIntegerReader(arg, [&](auto value) {
      ForValidRows(arg, sel, n, [&](uint32_t r) {
        const uint32_t g = gids[r];
        const int64_t v = value(r);
        if (counts[g]++ == 0 || (want < 0 ? v < best[g] : v > best[g])) best[g] = v;
      });
    });
  } else if (arg.type() == TypeId::kFloat64) {
    double* best = doubles_.data();
    ForValidRows(arg, sel, n, [&](uint32_t r) {
      const uint32_t g = gids[r];
      const double v = arg.GetDouble(r);
      if (counts[g]++ == 0 || CompareDoubles(v, best[g]) == want) best[g] = v;
    });
  } else {
    ForValidRows(arg, sel, n, [&](uint32_t r) {
      const uint32_t g = gids[r];
      const std::string_view v = arg.GetString(r);
      if (counts[g]++ == 0 || CompareStrings(v, strings_[g]) == want) {
        string_bytes_ += v.size();
        strings_[g].assign(v);
      }
    });
  }
}

}  // namespace stedi::sql
