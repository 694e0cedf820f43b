#include "columnar/column_kernels.h"

#include <cstring>
#include <optional>
#include <string_view>
#include <unordered_map>

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

namespace {

// Dictionary-encoded parts over different dictionaries (every Parquet row group has its own)
// concatenate as one merged dictionary plus remapped codes: four bytes per row instead of every
// string copied. Nullopt when that does not pay (a part is not dictionary-encoded, all share one
// dictionary already, or the dictionaries hold nearly one entry per row).
std::optional<Column> ConcatenateDictionaries(std::span<const Column* const> columns,
                                              size_t total) {
  if (columns.size() < 2) return std::nullopt;
  size_t entries = 0;
  bool shared = true;
  for (const Column* c : columns) {
    if (!c->is_dictionary()) return std::nullopt;
    entries += c->dictionary()->size();
    shared = shared && c->dictionary() == columns[0]->dictionary();
  }
  if (shared || entries * 2 > total) return std::nullopt;
  std::unordered_map<std::string_view, uint32_t> index;  // views into the parts' dictionaries
  index.reserve(entries);
  ColumnBuilder merged(columns[0]->dictionary()->type());
  std::vector<uint32_t> codes;
  codes.reserve(total);
  std::vector<uint8_t> validity;
  bool any_null = false;
  for (const Column* c : columns) any_null = any_null || c->null_count() > 0;
  if (any_null) validity.reserve(total);
  std::vector<uint32_t> remap;
  for (const Column* part : columns) {
    const Column& c = *part;
    const Column& dictionary = *c.dictionary();
    remap.resize(dictionary.size());
    for (size_t d = 0; d < dictionary.size(); ++d) {
      const std::string_view value = dictionary.GetString(d);
      auto [it, added] = index.try_emplace(value, static_cast<uint32_t>(index.size()));
      if (added) merged.AppendString(value);
      remap[d] = it->second;
    }
    for (size_t r = 0; r < c.size(); ++r) {
      const bool null = c.IsNull(r);
      codes.push_back(null ? 0 : remap[c.code(r)]);
      if (any_null) validity.push_back(null ? 0 : 1);
    }
  }
  return Column::FromDictionary(std::make_shared<const Column>(merged.Finish()), std::move(codes),
                                std::move(validity));
}

}  // namespace

Column ConcatenateColumns(std::span<const Column* const> columns) {
  size_t rows = 0;
  for (const Column* c : columns) rows += c->size();
  if (std::optional<Column> merged = ConcatenateDictionaries(columns, rows)) return *merged;
  ColumnBuilder out(columns.empty() ? TypeId::kString : columns[0]->type());
  out.Reserve(rows);
  for (const Column* c : columns) out.AppendRange(*c, 0, c->size());
  return out.Finish();
}

Column ConcatenateColumns(std::span<const Column> columns) {
  std::vector<const Column*> parts;
  parts.reserve(columns.size());
  for (const Column& c : columns) parts.push_back(&c);
  return ConcatenateColumns(parts);
}

Column AsIdentityDictionary(Column source) {
  std::vector<uint32_t> codes(source.size());
  for (size_t r = 0; r < codes.size(); ++r) codes[r] = static_cast<uint32_t>(r);
  return Column::FromDictionary(std::make_shared<const Column>(std::move(source)), std::move(codes),
                                {});
}

Batch ConcatenateBatches(const std::shared_ptr<const Schema>& schema,
                         std::span<const Batch> batches) {
  std::vector<Column> columns;
  size_t rows = 0;
  for (const Batch& b : batches) rows += b.num_rows();
  for (size_t c = 0; c < schema->num_fields(); ++c) {
    std::vector<const Column*> parts;  // not copies: a build side's columns are big
    parts.reserve(batches.size());
    for (const Batch& b : batches) parts.push_back(&b.column(c));
    columns.push_back(parts.empty() ? Column(schema->field(c).type) : ConcatenateColumns(parts));
  }
  return Batch(schema, std::move(columns), rows);
}

}  // namespace stedi
