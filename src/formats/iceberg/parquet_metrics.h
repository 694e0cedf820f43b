#pragma once

#include <vector>

#include "formats/iceberg/manifest.h"
#include "formats/parquet/file_writer.h"

namespace stedi::iceberg {

/// The manifest metrics of a Parquet file we wrote, from the writer's own summary (no need to
/// read the footer back).
std::vector<ColumnMetrics> MetricsFromParquet(const parquet::FileSummary& summary);

}  // namespace stedi::iceberg
