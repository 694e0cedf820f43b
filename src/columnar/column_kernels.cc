#include "columnar/column_kernels.h"

#include <cstring>

namespace stedi {

Column TakeColumn(const Column& source, std::span<const uint32_t> rows) {
  ColumnBuilder out(source.type());
  out.AppendRows(source, rows.data(), rows.size());
  return out.Finish();
}

Batch TakeBatch(const Batch& source, std::span<const uint32_t> rows) {
  std::vector<Column> columns;
  columns.reserve(source.num_columns());
  for (const Column& c : source.columns()) columns.push_back(TakeColumn(c, rows));
  return Batch(source.schema(), std::move(columns), rows.size());
}

Column RepeatValue(const Column& source, size_t row, size_t count) {
  ColumnBuilder out(source.type());
  out.Reserve(count);
  for (size_t i = 0; i < count; ++i) out.AppendFrom(source, row);
  return out.Finish();
}

Column NullColumn(TypeId type, size_t count) {
  ColumnBuilder out(type);
  out.Reserve(count);
  for (size_t i = 0; i < count; ++i) out.AppendNull();
  return out.Finish();
}

Column ConcatenateColumns(std::span<const Column> columns) {
  ColumnBuilder out(columns.empty() ? TypeId::kString : columns[0].type());
  size_t total = 0;
  for (const Column& c : columns) total += c.size();
  out.Reserve(total);
  for (const Column& c : columns) out.AppendRange(c, 0, c.size());
  return out.Finish();
}

Batch ConcatenateBatches(const std::shared_ptr<const Schema>& schema,
                         std::span<const Batch> batches) {
  std::vector<Column> columns;
  size_t rows = 0;
  for (const Batch& b : batches) rows += b.num_rows();
  for (size_t c = 0; c < schema->num_fields(); ++c) {
    std::vector<Column> parts;
    parts.reserve(batches.size());
    for (const Batch& b : batches) parts.push_back(b.column(c));
    columns.push_back(parts.empty() ? Column(schema->field(c).type) : ConcatenateColumns(parts));
  }
  return Batch(schema, std::move(columns), rows);
}

}  // namespace stedi
