#include "formats/iceberg/parquet_metrics.h"

namespace stedi::iceberg {

std::vector<ColumnMetrics> MetricsFromParquet(const parquet::FileSummary& summary) {
  std::vector<ColumnMetrics> out;
  out.reserve(summary.columns.size());
  for (const parquet::ColumnSummary& c : summary.columns) {
    if (c.field_id <= 0) continue;  // a column without id cannot be named in a manifest
    out.push_back(
        ColumnMetrics{c.field_id, c.compressed_bytes, c.value_count, c.null_count, c.min, c.max});
  }
  return out;
}

}  // namespace stedi::iceberg
