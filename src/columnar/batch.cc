#include "columnar/batch.h"

namespace stedi {

Batch::Batch(std::shared_ptr<const Schema> schema, std::vector<Column> columns)
    : schema_(std::move(schema)), columns_(std::move(columns)) {
  num_rows_ = columns_.empty() ? 0 : columns_[0].size();
}

Batch::Batch(std::shared_ptr<const Schema> schema, std::vector<Column> columns, size_t num_rows)
    : schema_(std::move(schema)), columns_(std::move(columns)), num_rows_(num_rows) {}

Status Batch::Validate() const {
  if (!schema_) return Status::Internal("batch has no schema");
  if (columns_.size() != schema_->num_fields()) {
    return Status::Internal("batch has " + std::to_string(columns_.size()) +
                            " columns, schema has " + std::to_string(schema_->num_fields()));
  }
  for (size_t i = 0; i < columns_.size(); ++i) {
    const Field& f = schema_->field(i);
    if (columns_[i].type() != f.type) {
      return Status::Internal("column " + f.name + " is " +
                              std::string(TypeName(columns_[i].type())) + ", schema says " +
                              std::string(TypeName(f.type)));
    }
    if (columns_[i].size() != num_rows_) {
      return Status::Internal("column " + f.name + " has " + std::to_string(columns_[i].size()) +
                              " rows, batch has " + std::to_string(num_rows_));
    }
    if (!f.nullable && columns_[i].null_count() > 0) {
      return Status::Invalid("column " + f.name + " is not nullable but holds nulls");
    }
  }
  return Status::OK();
}

BatchBuilder::BatchBuilder(std::shared_ptr<const Schema> schema) : schema_(std::move(schema)) {
  builders_.reserve(schema_->num_fields());
  for (const Field& f : schema_->fields()) builders_.emplace_back(f.type);
}

void BatchBuilder::AddColumn(const Field& field) {
  const size_t rows = num_rows();
  std::vector<Field> fields = schema_->fields();
  fields.push_back(field);
  schema_ = std::make_shared<const Schema>(std::move(fields));
  ColumnBuilder& added = builders_.emplace_back(field.type);
  for (size_t r = 0; r < rows; ++r) added.AppendNull();
}

Batch BatchBuilder::Finish() {
  std::vector<Column> columns;
  columns.reserve(builders_.size());
  for (ColumnBuilder& b : builders_) columns.push_back(b.Finish());
  return Batch(schema_, std::move(columns));
}

}  // namespace stedi
