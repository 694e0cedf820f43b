#pragma once

#include <array>
#include <cstdint>
#include <string>

namespace stedi {

/// The kinds of bad input `stedi generate --messy` puts into records (the Foundation issue's
/// classes). None changes what a record says: every messy record still becomes the same row,
/// except that its fields of the wrong type read as null. A truncated copy of a record is a
/// fragment written before the record, not instead of it.
enum class MessKind : int {
  kCrlf,           ///< the record's line ends with "\r\n"
  kConcatenated,   ///< no line end: the next record follows on the same line (`}{`)
  kTruncatedCopy,  ///< a fragment (the record cut inside a string) on a line before it
  kKeyCase,        ///< one key spelled in another case (`timeStamp`)
  kWrongType,      ///< a field that is not a key or a date holds the wrong JSON type
  kInvalidUtf8,    ///< customer name with a byte that is not UTF-8
  kExtraField,     ///< customer record with an unknown field
  kNullField,      ///< customer phone is JSON null
  kMissingField,   ///< customer phone is absent
};
constexpr int kMessKinds = 9;
/// The name expected.json gives KIND.
const char* MessKindName(MessKind kind);

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
  /// Fragments a messy dataset holds that are no record: rows of the `quarantine` table.
  int64_t quarantine = 0;
  /// How many records carry each kind of mess (indexed by MessKind; all zero when not messy).
  std::array<int64_t, kMessKinds> messes{};

  bool operator==(const ExpectedCounts&) const = default;
};

/// The generator's settings, as expected.json records them.
struct GeneratorSettings {
  int64_t customers = 0;
  uint64_t seed = 0;
  int64_t rows_per_file = 0;
  int64_t files_per_source = 0;  ///< 0: files hold rows_per_file records instead
  uint32_t messy_per_million = 0;
};

/// Renders COUNTS as the JSON document of `expected.json`:
/// {"generator": {...}, "landing": {...}, "quarantine": N, "messes": {kind: records, ...},
/// "policies": {"standard": {table: rows, ...}, ...}}, where each policy lists all eight
/// tables (the landing ones included).
std::string ExpectedCountsToJson(const ExpectedCounts& counts, const GeneratorSettings& settings);

}  // namespace stedi
