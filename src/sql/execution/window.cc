#include "sql/execution/window.h"

#include <algorithm>
#include <map>
#include <string>

#include "columnar/column_kernels.h"
#include "sql/execution/evaluated_columns.h"
#include "sql/execution/sorted_row_order.h"
#include "sql/execution/value_order.h"
#include "sql/expression/evaluator.h"
#include "sql/expression/function_binder.h"

namespace stedi::sql {
namespace {

enum class WindowKind {
  kRowNumber,
  kRank,
  kDenseRank,
  kLag,
  kLead,
  kSum,
  kCount,
  kCountStar,
  kAvg,
  kMin,
  kMax
};

Result<WindowKind> ParseWindowKind(const std::string& name) {
  static const std::pair<const char*, WindowKind> kNames[] = {
      {"row_number", WindowKind::kRowNumber},
      {"rank", WindowKind::kRank},
      {"dense_rank", WindowKind::kDenseRank},
      {"lag", WindowKind::kLag},
      {"lead", WindowKind::kLead},
      {"sum", WindowKind::kSum},
      {"count", WindowKind::kCount},
      {"count_star", WindowKind::kCountStar},
      {"avg", WindowKind::kAvg},
      {"min", WindowKind::kMin},
      {"max", WindowKind::kMax}};
  for (const auto& [n, k] : kNames) {
    if (name == n) return k;
  }
  return Status::Invalid("unknown window function '" + name + "'");
}

bool IsAggregate(WindowKind k) {
  return k == WindowKind::kSum || k == WindowKind::kCount || k == WindowKind::kCountStar ||
         k == WindowKind::kAvg || k == WindowKind::kMin || k == WindowKind::kMax;
}

int64_t IntegerAt(const Column& c, size_t row) {
  switch (c.type()) {
    case TypeId::kBoolean:
      return c.values()[row];
    case TypeId::kInt32:
    case TypeId::kDate:
      return c.GetInt32(row);
    default:
      return c.GetInt64(row);
  }
}

// The running state of one aggregate over a frame that only grows.
class RunningAggregate {
 public:
  RunningAggregate(WindowKind kind, const Column* arg, TypeId result_type)
      : kind_(kind), arg_(arg), result_type_(result_type) {}

  void Reset() {
    count_ = 0;
    int_ = 0;
    double_ = 0;
    best_row_ = 0;
  }

  Status Add(size_t row) {
    if (kind_ == WindowKind::kCountStar) {
      ++count_;
      return Status::OK();
    }
    const Column& a = *arg_;
    if (a.IsNull(row)) return Status::OK();
    const bool first = count_++ == 0;
    switch (kind_) {
      case WindowKind::kSum:
      case WindowKind::kAvg:
        if (IsIntegerLike(a.type()) && kind_ == WindowKind::kSum) {
          if (__builtin_add_overflow(int_, IntegerAt(a, row), &int_)) {
            return Status::Invalid("bigint overflow in sum() window");
          }
        } else {
          double_ += a.type() == TypeId::kFloat64 ? a.GetDouble(row)
                                                  : static_cast<double>(IntegerAt(a, row));
        }
        break;
      case WindowKind::kMin:
      case WindowKind::kMax: {
        if (first) {
          best_row_ = row;
          break;
        }
        int c;
        if (IsIntegerLike(a.type())) {
          c = CompareInts(IntegerAt(a, row), IntegerAt(a, best_row_));
        } else if (a.type() == TypeId::kFloat64) {
          c = CompareDoubles(a.GetDouble(row), a.GetDouble(best_row_));
        } else {
          c = CompareStrings(a.GetString(row), a.GetString(best_row_));
        }
        if (c == (kind_ == WindowKind::kMin ? -1 : 1)) best_row_ = row;
        break;
      }
      default:
        break;
    }
    return Status::OK();
  }

  void Append(ColumnBuilder* out) const {
    if (kind_ == WindowKind::kCount || kind_ == WindowKind::kCountStar) {
      out->AppendInt64(count_);
    } else if (count_ == 0) {
      out->AppendNull();
    } else if (kind_ == WindowKind::kAvg) {
      out->AppendDouble(double_ / static_cast<double>(count_));
    } else if (kind_ == WindowKind::kSum) {
      if (result_type_ == TypeId::kFloat64) {
        out->AppendDouble(IsIntegerLike(arg_->type()) ? static_cast<double>(int_) : double_);
      } else {
        out->AppendInt64(int_);
      }
    } else {
      out->AppendFrom(*arg_, best_row_);
    }
  }

 private:
  WindowKind kind_;
  const Column* arg_;
  TypeId result_type_;
  int64_t count_ = 0;
  int64_t int_ = 0;
  double double_ = 0;
  size_t best_row_ = 0;
};

class WindowOperator : public Operator {
 public:
  WindowOperator(OperatorPtr child, std::vector<WindowFunctionSpec> functions,
                 std::shared_ptr<const Schema> output_schema,
                 const ExecutionContext* /*context: unused, the window holds its input in memory*/)
      : child_(std::move(child)),
        functions_(std::move(functions)),
        output_schema_(std::move(output_schema)) {}

  const std::shared_ptr<const Schema>& schema() const override { return output_schema_; }

  std::string Describe() const override {
    std::string s = "Window functions=[";
    for (size_t i = 0; i < functions_.size(); ++i) s += (i ? ", " : "") + functions_[i].function;
    return s + "]";
  }

  Result<std::optional<Batch>> Next() override {
    if (!started_) {
      started_ = true;
      STEDI_RETURN_NOT_OK(Compute());
    }
    if (emitted_ >= output_order_.size()) return std::optional<Batch>();
    const size_t end = std::min(output_order_.size(), emitted_ + kBatchRows);
    std::span<const uint32_t> rows(output_order_.data() + emitted_, end - emitted_);
    std::vector<uint32_t> positions(end - emitted_);
    for (size_t i = 0; i < positions.size(); ++i)
      positions[i] = static_cast<uint32_t>(emitted_ + i);
    std::vector<Column> columns;
    for (const Column& c : input_.columns()) columns.push_back(TakeColumn(c, rows));
    for (const Column& c : results_) columns.push_back(TakeColumn(c, positions));
    emitted_ = end;
    return std::optional<Batch>(Batch(output_schema_, std::move(columns), rows.size()));
  }

 private:
  Status Compute() {
    std::vector<Batch> batches;
    while (true) {
      STEDI_ASSIGN_OR_RETURN(std::optional<Batch> batch, child_->Next());
      if (!batch) break;
      if (batch->num_rows() > 0) batches.push_back(std::move(*batch));
    }
    input_ = ConcatenateBatches(child_->schema(), batches);
    batches.clear();
    const size_t n = input_.num_rows();
    output_order_.resize(n);
    for (size_t r = 0; r < n; ++r) output_order_[r] = static_cast<uint32_t>(r);
    std::string output_signature;
    for (size_t f = 0; f < functions_.size(); ++f) {
      const std::string signature = OrderSignature(functions_[f]);
      auto cached = orders_.find(signature);
      if (cached == orders_.end()) {
        STEDI_ASSIGN_OR_RETURN(std::vector<uint32_t> order, SortRows(functions_[f]));
        cached = orders_.emplace(signature, std::move(order)).first;
      }
      const std::vector<uint32_t>& order = cached->second;
      STEDI_ASSIGN_OR_RETURN(Column sorted_result, ComputeFunction(functions_[f], order));
      if (f == 0) {
        output_order_ = order;
        output_signature = signature;
      }
      if (signature == output_signature) {
        results_.push_back(std::move(sorted_result));  // already in output order
        continue;
      }
      // Another order: map each output row to its place in this function's order.
      std::vector<uint32_t> position(n);
      for (size_t i = 0; i < n; ++i) position[order[i]] = static_cast<uint32_t>(i);
      std::vector<uint32_t> take(n);
      for (size_t i = 0; i < n; ++i) take[i] = position[output_order_[i]];
      results_.push_back(TakeColumn(sorted_result, take));
    }
    return Status::OK();
  }

  // Functions with equal signatures sort the rows the same way.
  static std::string OrderSignature(const WindowFunctionSpec& spec) {
    std::string s;
    for (const BoundExprPtr& p : spec.partition_by) s += p->ToString() + "\x1f";
    s += "\x1e";
    for (const SortKey& k : spec.order_by) {
      s += k.expr->ToString() + (k.descending ? "D" : "A") + (k.nulls_first ? "F" : "L") + "\x1f";
    }
    return s;
  }

  // Keys that sort rows by partition, then order keys: partitions ascending, nulls last.
  struct WindowKeys {
    std::vector<const BoundExpr*> exprs;
    std::vector<SortKey> partition, order, all;
  };
  static WindowKeys KeysOf(const WindowFunctionSpec& spec) {
    WindowKeys k;
    for (const BoundExprPtr& p : spec.partition_by) {
      k.exprs.push_back(p.get());
      k.partition.push_back(SortKey{nullptr, false, false});
      k.all.push_back(SortKey{nullptr, false, false});
    }
    for (const SortKey& o : spec.order_by) {
      k.exprs.push_back(o.expr.get());
      k.order.push_back(SortKey{nullptr, o.descending, o.nulls_first});
      k.all.push_back(SortKey{nullptr, o.descending, o.nulls_first});
    }
    return k;
  }

  Result<std::vector<uint32_t>> SortRows(const WindowFunctionSpec& spec) {
    const WindowKeys keys = KeysOf(spec);
    EvaluatedColumns columns;
    STEDI_RETURN_NOT_OK(columns.Evaluate(keys.exprs, input_));
    return SortedRowOrder(columns.columns(), keys.all, input_.num_rows());
  }

  // Returns the function's values for the rows in ORDER (sorted by its partition and order keys).
  Result<Column> ComputeFunction(const WindowFunctionSpec& spec,
                                 const std::vector<uint32_t>& order) {
    STEDI_ASSIGN_OR_RETURN(WindowKind kind, ParseWindowKind(spec.function));
    const size_t n = input_.num_rows();
    const WindowKeys keys = KeysOf(spec);
    const std::vector<SortKey>& partition_keys = keys.partition;
    const std::vector<SortKey>& order_keys = keys.order;
    EvaluatedColumns sort_columns;
    STEDI_RETURN_NOT_OK(sort_columns.Evaluate(keys.exprs, input_));
    // The keys in sorted order, so that finding partitions and peers compares neighbours in
    // sequential memory (one bulk gather instead of random reads per comparison).
    std::vector<Column> sorted_keys;
    for (const Column* c : sort_columns.columns()) sorted_keys.push_back(TakeColumn(*c, order));
    std::vector<const Column*> part_cols, order_cols;
    for (size_t i = 0; i < sorted_keys.size(); ++i) {
      (i < partition_keys.size() ? part_cols : order_cols).push_back(&sorted_keys[i]);
    }

    std::vector<const BoundExpr*> arg_exprs;
    for (const BoundExprPtr& a : spec.args) arg_exprs.push_back(a.get());
    const bool offset_function = kind == WindowKind::kLag || kind == WindowKind::kLead;
    int64_t offset = 1;
    if (offset_function) {
      if (spec.args.empty()) return Status::Invalid(spec.function + " needs a value argument");
      if (spec.args.size() >= 2) {
        const BoundExpr& o = *spec.args[1];
        // Folded once: the offset is one constant for the whole window (casts included).
        Result<ScalarValue> folded = EvaluateConstant(o);
        if (!folded.ok() || !std::holds_alternative<int64_t>(folded->value)) {
          return Status::Invalid(spec.function + " offset must be an integer constant, got " +
                                 o.ToString());
        }
        offset = std::get<int64_t>(folded->value);
        if (offset < 0) {
          return Status::Invalid(spec.function + " offset must not be negative, got " +
                                 std::to_string(offset));
        }
      }
      arg_exprs.erase(arg_exprs.begin() + std::min<size_t>(1, arg_exprs.size()),
                      arg_exprs.begin() + std::min<size_t>(2, arg_exprs.size()));
    }
    EvaluatedColumns args;
    STEDI_RETURN_NOT_OK(args.Evaluate(arg_exprs, input_));
    const bool needs_arg = kind != WindowKind::kRowNumber && kind != WindowKind::kRank &&
                           kind != WindowKind::kDenseRank && kind != WindowKind::kCountStar;
    if (needs_arg && args.columns().empty()) {
      return Status::Invalid(spec.function + " needs an argument");
    }
    for (const Column* c : args.columns()) {
      if (offset_function && c->type() != spec.result_type) {
        return Status::Invalid(spec.function + " argument is " + std::string(TypeName(c->type())) +
                               ", result is " + std::string(TypeName(spec.result_type)));
      }
    }
    // Values are appended by the result type, so it must be the one the binder gives.
    TypeId expected = TypeId::kInt64;
    if (IsAggregate(kind)) {
      STEDI_ASSIGN_OR_RETURN(
          expected, AggregateResultType(spec.function,
                                        needs_arg ? args.columns()[0]->type() : TypeId::kInt64));
    } else if (offset_function) {
      expected = args.columns()[0]->type();
    }
    if (expected != spec.result_type) {
      return Status::Invalid("window function " + spec.function + " has result type " +
                             std::string(TypeName(spec.result_type)) + ", expected " +
                             std::string(TypeName(expected)));
    }

    ColumnBuilder out(spec.result_type);
    out.Reserve(n);
    const uint32_t* ord = order.data();
    RunningAggregate running(kind, needs_arg ? args.columns()[0] : nullptr, spec.result_type);
    size_t begin = 0;
    while (begin < n) {
      size_t end = begin + 1;
      while (end < n && CompareKeyRows(part_cols, begin, part_cols, end, partition_keys) == 0) {
        ++end;
      }
      // Peer groups within the partition [begin, end): rows with equal order keys.
      running.Reset();
      int64_t dense = 0;
      size_t peer_begin = begin;
      while (peer_begin < end) {
        // Without ORDER BY the whole partition is one peer group (the frame is the partition).
        size_t peer_end = spec.order_by.empty() ? end : peer_begin + 1;
        while (peer_end < end &&
               CompareKeyRows(order_cols, peer_begin, order_cols, peer_end, order_keys) == 0) {
          ++peer_end;
        }
        ++dense;
        if (IsAggregate(kind)) {
          for (size_t i = peer_begin; i < peer_end; ++i) STEDI_RETURN_NOT_OK(running.Add(ord[i]));
        }
        for (size_t i = peer_begin; i < peer_end; ++i) {
          switch (kind) {
            case WindowKind::kRowNumber:
              out.AppendInt64(static_cast<int64_t>(i - begin + 1));
              break;
            case WindowKind::kRank:
              out.AppendInt64(static_cast<int64_t>(peer_begin - begin + 1));
              break;
            case WindowKind::kDenseRank:
              out.AppendInt64(dense);
              break;
            case WindowKind::kLag:
            case WindowKind::kLead: {
              const int64_t target = kind == WindowKind::kLag ? static_cast<int64_t>(i) - offset
                                                              : static_cast<int64_t>(i) + offset;
              if (target >= static_cast<int64_t>(begin) && target < static_cast<int64_t>(end)) {
                out.AppendFrom(*args.columns()[0], ord[target]);
              } else if (args.columns().size() >= 2) {
                out.AppendFrom(*args.columns()[1], ord[i]);
              } else {
                out.AppendNull();
              }
              break;
            }
            default:
              running.Append(&out);
              break;
          }
        }
        peer_begin = peer_end;
      }
      begin = end;
    }
    return out.Finish();
  }

  OperatorPtr child_;
  std::vector<WindowFunctionSpec> functions_;
  std::shared_ptr<const Schema> output_schema_;
  bool started_ = false;
  Batch input_;
  std::vector<Column> results_;
  std::vector<uint32_t> output_order_;
  std::map<std::string, std::vector<uint32_t>> orders_;  // by OrderSignature
  size_t emitted_ = 0;
};

}  // namespace

OperatorPtr MakeWindow(OperatorPtr child, std::vector<WindowFunctionSpec> functions,
                       std::shared_ptr<const Schema> output_schema,
                       const ExecutionContext* context) {
  return std::make_unique<WindowOperator>(std::move(child), std::move(functions),
                                          std::move(output_schema), context);
}

}  // namespace stedi::sql
