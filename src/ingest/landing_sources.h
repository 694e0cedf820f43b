#pragma once

#include <memory>
#include <string_view>
#include <vector>

#include "columnar/schema.h"

namespace stedi {

/// One landing source: where its raw files come from and the table they land in. Column names
/// are the lower-cased ones Athena shows; field ids are the columns' stable identities.
struct LandingSource {
  std::string_view name;   ///< Folder name: customer, accelerometer, step_trainer.
  std::string_view table;  ///< Landing table, e.g. customer_landing.
  std::shared_ptr<const Schema> schema;
};

/// Returns the three STEDI sources, in the order ingest processes them.
const std::vector<LandingSource>& LandingSources();

/// Returns the schema of the `quarantine` table: source, file, offset, reason, raw.
std::shared_ptr<const Schema> QuarantineSchema();

inline constexpr std::string_view kQuarantineTable = "quarantine";

}  // namespace stedi
