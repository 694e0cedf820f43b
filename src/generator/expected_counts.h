#pragma once

#include <cstdint>
#include <string>

namespace stedi {

/// Row counts of the tables a policy derives from the landing tables.
struct PolicyCounts {
  int64_t customer_trusted = 0;
  int64_t accelerometer_trusted = 0;
  int64_t customer_curated = 0;
  int64_t step_trainer_trusted = 0;
  int64_t machine_learning_curated = 0;

  bool operator==(const PolicyCounts&) const = default;
};

/// The exact row count every table must have for a generated landing dataset, under each
/// policy: `standard` (joins within one customer), `since-consent` (readings count only from
/// the customer's research-consent date on) and `rubric` (the original project's
/// machine_learning_curated, joined on the timestamp alone).
struct ExpectedCounts {
  int64_t customer_landing = 0;
  int64_t accelerometer_landing = 0;
  int64_t step_trainer_landing = 0;
  PolicyCounts standard;
  PolicyCounts since_consent;
  PolicyCounts rubric;

  bool operator==(const ExpectedCounts&) const = default;
};

/// Renders COUNTS as the JSON document of `expected.json`:
/// {"generator": {...}, "landing": {...}, "policies": {"standard": {table: rows, ...}, ...}},
/// where each policy lists all eight tables (the landing ones included).
std::string ExpectedCountsToJson(const ExpectedCounts& counts, int64_t customers, uint64_t seed,
                                 int64_t rows_per_file);

}  // namespace stedi
