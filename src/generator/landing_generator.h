#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "generator/expected_counts.h"
#include "status/status.h"
#include "storage/file_system.h"

namespace stedi {

/// Controls GenerateLanding.
struct GeneratorOptions {
  int64_t customers = 1000;  ///< Number of customers, >= 0.
  uint64_t seed = 42;        ///< Same options, same bytes.
  /// Lines per landing file, >= 1 (the real accelerometer/step-trainer files hold 10,000).
  int64_t rows_per_file = 10000;
};

/// Describes what GenerateLanding wrote.
struct GeneratorSummary {
  int64_t customers = 0;      ///< customer lines written
  int64_t accelerometer = 0;  ///< accelerometer lines written
  int64_t step_trainer = 0;   ///< step-trainer lines written
  /// Every file written, relative to out_dir: the customer, accelerometer and step-trainer
  /// landing files in that order, then "expected.json".
  std::vector<std::string> files;
  /// The row counts every table must have, as written to expected.json.
  ExpectedCounts expected;
};

/// Writes a synthetic landing dataset shaped like the real STEDI data under OUT_DIR:
/// `customer/landing/customer-<n>.json`, `accelerometer/landing/accelerometer-<n>.json`,
/// `step_trainer/landing/step_trainer-<n>.json` (one JSON object per line, the real field names,
/// key order and formatting; n is a fake epoch-ms derived from the seed) and `expected.json`
/// with the exact row count of every table under each policy, counted while generating.
/// Streams customer by customer, so memory does not grow with options.customers. Returns
/// Invalid for a negative customer count or rows_per_file < 1, and the file system's Status
/// when a write fails (files already closed stay behind).
Status GenerateLanding(FileSystem& fs, const std::string& out_dir, const GeneratorOptions& options,
                       GeneratorSummary* summary);

}  // namespace stedi
