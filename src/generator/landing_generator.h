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
  /// When > 0, each source is written as this many files instead, split by customer: customer
  /// i goes to file i * files_per_source / customers (fewer files when there are fewer
  /// customers), the way landing folders fill up over time.
  int64_t files_per_source = 0;
  /// Records per million that carry one kind of bad input (MessKind), drawn from their own
  /// random stream so the records themselves, and every table's rows, stay those of the clean
  /// dataset. When > 0, each source also gets a UTF-8 BOM at the start of its first file, an
  /// empty file, and every fifth file gzip-compressed (`.json.gz`).
  uint32_t messy_per_million = 0;
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
/// Invalid for a negative customer count, rows_per_file < 1, files_per_source < 0 or
/// messy_per_million > 1,000,000, and the file system's Status
/// when a write fails (files already closed stay behind).
Status GenerateLanding(FileSystem& fs, const std::string& out_dir, const GeneratorOptions& options,
                       GeneratorSummary* summary);

}  // namespace stedi
